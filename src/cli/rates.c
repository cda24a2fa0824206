/* The rates command: effective gain w_j and loss gamma_j of the two
 * transmons of model transmon (paper Appendix E), by qs_transmon_rates:
 * g = 0, eps = 0, relaxation from |e>_A|e>_B, two-level fit of p_e =
 * Pe/(Pg+Pe).  One row of summary.tsv per [sweep] point (one without a
 * sweep), the relaxation curves and fits in relaxation.tsv. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

typedef struct {
  double sweep_x[2];
  double values[QS_MODEL_MAX_PARAMS];
  qs_transmon_rate_result res;
  double seconds;
  qs_status st;
  char msg[512];
} rates_point;

/* Summary columns after the sweep's: rates in kHz (rate / 2 pi), ratios,
 * fit rms and the largest population outside {g, e} in the fitted window. */
enum { RC_W_A, RC_GAMMA_A, RC_W_B, RC_GAMMA_B, RC_RATIO_A, RC_RATIO_B, RC_GAMMA_TOT_A,
       RC_GAMMA_TOT_B, RC_RMS_A, RC_RMS_B, RC_LEAK_A, RC_LEAK_B, RC_N };
static const char *const rate_cols[RC_N] = {"w_A", "gamma_A", "w_B", "gamma_B",
                                            "ratio_A", "ratio_B", "Gamma_A", "Gamma_B",
                                            "rms_A", "rms_B", "leak_A", "leak_B"};
static const char *const rate_units[RC_N] = {"kHz", "kHz", "kHz", "kHz", "1", "1",
                                             "kHz", "kHz", "1", "1", "1", "1"};
static const char *const curve_cols[5] = {"t", "p_e_A", "fit_A", "p_e_B", "fit_B"};
static const char *const curve_units[5] = {"us", "1", "1", "1", "1"};

/* Input checks before any work: the model, the swept keys, every point's
 * parameters (the model built with g = eps = 0, as the rates use it). */
static int rates_check(const cli_context *ctx, rates_point *pts, long n_points,
                       qs_model **first_model)
{
  const qs_runconfig *cfg = &ctx->cfg;
  if (!qs_model_type_has(cfg->model_type, QS_MODEL_CAP_TRANSMON_PAIR)) {
    cli_error("%s: [model] name = %s: qsync rates needs model transmon (the effective "
              "qubit rates of the transmon model, paper Appendix E)", cfg->path,
              cfg->model_type->name);
    return EXIT_BAD_INPUT;
  }
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]) && (strcasecmp(cfg->sweep[a].key, "g") == 0 ||
                                            strcasecmp(cfg->sweep[a].key, "eps") == 0)) {
      cli_error("%s: [sweep] key%s = model.%s: qsync rates sets g = 0 and eps = 0; sweep "
                "another parameter", cfg->path, a ? "2" : "", cfg->sweep[a].key);
      return EXIT_BAD_INPUT;
    }
  int ig = qs_model_param_index(cfg->model_type, "g");
  int ie = qs_model_param_index(cfg->model_type, "eps");
  for (long p = 0; p < n_points; p++) {
    cli_sweep_point_values(cfg, p, pts[p].values, pts[p].sweep_x);
    double v[QS_MODEL_MAX_PARAMS];
    memcpy(v, pts[p].values, sizeof v);
    v[ig] = v[ie] = 0.0;
    qs_model *m = cli_build_model(ctx, v);
    if (!m)
      return EXIT_BAD_INPUT;
    if (p == 0)
      *first_model = m;
    else
      qs_model_destroy(&m);
  }
  return EXIT_OK;
}

static void mesolve_progress(double t, double t_end, void *data)
{
  cli_progress_update(lround(1000.0 * t / t_end), 1000, data);
}

typedef struct {
  const qs_model_type *type;
  const qs_rates_options *opt;
  rates_point *pts;
} rates_job;

static qs_status rates_task(long p, int worker, void *data)
{
  (void)worker;
  const rates_job *job = data;
  rates_point *pt = &job->pts[p];
  double start = cli_now();
  pt->st = qs_transmon_rates(job->type, pt->values, job->opt, &pt->res, pt->msg,
                             sizeof pt->msg);
  pt->seconds = cli_now() - start;
  return pt->st;
}

/* Slot codec of a distributed run (farm.h): the point without its curves'
 * pointers, then the curves (n_times samples each) after a success. */
static qs_status rates_pack(long p, qs_farm_bytes *b, void *data)
{
  const rates_point *pt = &((const rates_job *)data)->pts[p];
  size_t n = (size_t)pt->res.n_times * sizeof(double);
  qs_farm_put(b, pt, sizeof *pt);
  if (pt->st == QS_OK) {
    qs_farm_put(b, pt->res.times, n);
    qs_farm_put(b, pt->res.p_e[0], n);
    qs_farm_put(b, pt->res.p_e[1], n);
  }
  return b->st;
}

static qs_status rates_unpack(long p, qs_farm_bytes *b, void *data)
{
  rates_point *pt = &((const rates_job *)data)->pts[p];
  qs_farm_get(b, pt, sizeof *pt);
  qs_transmon_rate_result *r = &pt->res;
  r->times = r->p_e[0] = r->p_e[1] = NULL; /* the sender's addresses */
  if (b->st != QS_OK || pt->st != QS_OK)
    return b->st;
  size_t n = (size_t)r->n_times * sizeof(double);
  r->times = malloc(n);
  r->p_e[0] = malloc(n);
  r->p_e[1] = malloc(n);
  if (!r->times || !r->p_e[0] || !r->p_e[1])
    return QS_ERR_NOMEM;
  qs_farm_get(b, r->times, n);
  qs_farm_get(b, r->p_e[0], n);
  qs_farm_get(b, r->p_e[1], n);
  return b->st;
}

static int rates_run(const cli_context *ctx, rates_point *pts, long n_points)
{
  qs_rates_options opt = qs_runfile_rates_options(&ctx->cfg);
  cli_progress progress;
  cli_progress_init(&progress, ctx->quiet, n_points > 1 ? "sweep points" : "master equation");
  qs_farm_options farm = qs_farm_default_options();
  farm.threads = (int)ctx->cfg.threads;
  farm.distribute = ctx->distribute;
  farm.pack = rates_pack;
  farm.unpack = rates_unpack;
  if (n_points == 1) { /* one point: the integrator's own progress */
    opt.me.progress = mesolve_progress;
    opt.me.progress_data = &progress;
  } else {
    farm.progress = cli_progress_update;
    farm.progress_data = &progress;
  }
  rates_job job = {ctx->cfg.model_type, &opt, pts};
  long failed = -1;
  qs_farm_run(n_points, rates_task, &job, &farm, &failed);
  cli_progress_finish(&progress);
  if (failed < 0)
    return EXIT_OK;
  const rates_point *pt = &pts[failed];
  char where[160] = "";
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&ctx->cfg.sweep[a]))
      snprintf(where + strlen(where), sizeof where - strlen(where), " %s = %g",
               ctx->cfg.sweep[a].key, pt->sweep_x[a]);
  cli_error("%s: rates failed%s%s: %s%s%s", ctx->cfg.path, where[0] ? " at" : "", where,
            qs_strerror(pt->st), pt->msg[0] ? ": " : "", pt->msg);
  if (pt->st == QS_ERR_INVALID)
    cli_error("hint: a curve that does not relax in [t_skip, t_end] needs a longer "
              "[rates] t_end; one that relaxes within a sample needs more n_times");
  return EXIT_RUNTIME;
}

static void rate_row(const qs_transmon_rate_result *r, double *row)
{
  for (int j = 0; j < 2; j++) {
    const qs_rate_fit_result *f = &r->fit[j];
    row[RC_W_A + 2 * j] = qs_rate_to_khz(f->w);
    row[RC_GAMMA_A + 2 * j] = qs_rate_to_khz(f->gamma);
    row[RC_RATIO_A + j] = f->w / f->gamma;
    row[RC_GAMMA_TOT_A + j] = qs_rate_to_khz(f->Gamma);
    row[RC_RMS_A + j] = f->rms;
    row[RC_LEAK_A + j] = r->leak[j];
  }
}

static void print_point(const cli_context *ctx, const rates_point *pt, long n_points)
{
  const qs_runconfig *cfg = &ctx->cfg;
  const qs_transmon_rate_result *r = &pt->res;
  if (n_points > 1) {
    for (int a = 0; a < 2; a++)
      if (qs_sweep_active(&cfg->sweep[a]))
        printf("%s%s = %g", a ? ", " : "", cfg->sweep[a].key, pt->sweep_x[a]);
    printf(":\n");
  }
  for (int j = 0; j < 2; j++) {
    const qs_rate_fit_result *f = &r->fit[j];
    printf("  transmon %c: w/2pi = %9.4f kHz  gamma/2pi = %9.4f kHz  w/gamma = %.4f  "
           "Gamma/2pi = %9.4f kHz  p_inf = %.5f  fit rms = %.2e  max leak = %.2e\n",
           "AB"[j], qs_rate_to_khz(f->w), qs_rate_to_khz(f->gamma), f->w / f->gamma,
           qs_rate_to_khz(f->Gamma), f->p_inf, f->rms, r->leak[j]);
  }
}

static int rates_write(const cli_context *ctx, const qs_model *model, const rates_point *pts,
                       long n_points)
{
  const qs_runconfig *cfg = &ctx->cfg;
  int n_sweep = qs_sweep_active(&cfg->sweep[0]) + qs_sweep_active(&cfg->sweep[1]);
  int nt = pts[0].res.n_times;
  int sc = n_sweep + RC_N, cc = n_sweep + 5;
  const char *s_names[2 + RC_N], *s_units[2 + RC_N], *c_names[2 + 5], *c_units[2 + 5];
  int k = 0;
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a])) {
      int i = qs_model_param_index(cfg->model_type, cfg->sweep[a].key);
      s_names[k] = c_names[k] = cfg->sweep[a].key;
      s_units[k] = c_units[k] = i >= 0 ? cfg->model_type->params[i].unit : "-";
      k++;
    }
  for (int c = 0; c < RC_N; c++) {
    s_names[k + c] = rate_cols[c];
    s_units[k + c] = rate_units[c];
  }
  for (int c = 0; c < 5; c++) {
    c_names[k + c] = curve_cols[c];
    c_units[k + c] = curve_units[c];
  }
  double *sum = calloc((size_t)(n_points * sc), sizeof *sum);
  double *cur = calloc((size_t)n_points * (size_t)nt * (size_t)cc, sizeof *cur);
  if (!sum || !cur) {
    free(sum);
    free(cur);
    cli_error("out of memory for the rates tables of %ld points x %d samples ([sweep] points, "
              "[rates] n_times)", n_points, nt);
    return EXIT_RUNTIME;
  }
  for (long p = 0; p < n_points; p++) {
    const qs_transmon_rate_result *r = &pts[p].res;
    double *row = sum + p * sc;
    for (int a = 0, i = 0; a < 2; a++)
      if (qs_sweep_active(&cfg->sweep[a]))
        row[i++] = pts[p].sweep_x[a];
    rate_row(r, row + n_sweep);
    for (int t = 0; t < nt; t++) {
      double *crow = cur + ((size_t)p * (size_t)nt + (size_t)t) * (size_t)cc;
      memcpy(crow, row, (size_t)n_sweep * sizeof *crow);
      crow += n_sweep;
      crow[0] = r->times[t];
      for (int j = 0; j < 2; j++) {
        const qs_rate_fit_result *f = &r->fit[j];
        crow[1 + 2 * j] = r->p_e[j][t];
        /* p_inf + A r^k with k counted from the first fitted sample
         * (extrapolated before it) */
        crow[2 + 2 * j] = f->p_inf + f->amplitude * pow(f->r, (double)(t - r->first));
      }
    }
  }
  qs_table tables[2] = {{"summary", sc, s_names, n_points, sum, s_units},
                        {"relaxation", cc, c_names, (long)n_points * nt, cur, c_units}};
  int rc = cli_write_tables(ctx, "rates", model, tables, 2, NULL);
  free(sum);
  free(cur);
  return rc;
}

int cli_rates(cli_context *ctx)
{
  const qs_runconfig *cfg = &ctx->cfg;
  long n_points = cli_sweep_points(cfg);
  rates_point *pts = calloc((size_t)n_points, sizeof *pts);
  if (!pts) {
    cli_error("%s: out of memory for %ld sweep points ([sweep] points)", cfg->path, n_points);
    return EXIT_RUNTIME;
  }
  qs_model *model = NULL;
  int rc = rates_check(ctx, pts, n_points, &model);
  if (rc == EXIT_OK)
    rc = rates_run(ctx, pts, n_points);
  if (rc == EXIT_OK && !ctx->quiet) {
    double seconds = 0.0, steps = 0.0;
    for (long p = 0; p < n_points; p++) {
      seconds += pts[p].seconds;
      steps += (double)pts[p].res.stats.steps;
    }
    const qs_transmon_rate_result *r0 = &pts[0].res;
    printf("effective qubit rates of %s (g = 0, eps = 0, from |e>_A|e>_B; p_e = Pe/(Pg+Pe) "
           "fitted on %g <= t <= %g us, %d samples) at %ld point%s: %.3g s of master "
           "equation, %.0f CVODE steps per point\n", model->type->name,
           r0->times[r0->first], cfg->rates_t_end, r0->n_times - r0->first, n_points,
           n_points > 1 ? "s" : "", seconds, steps / (double)n_points);
    for (long p = 0; p < n_points; p++)
      print_point(ctx, &pts[p], n_points);
  }
  if (rc == EXIT_OK && ctx->rank == 0) /* distributed: rank 0 holds every point */
    rc = rates_write(ctx, model, pts, n_points);
  for (long p = 0; p < n_points; p++)
    qs_transmon_rates_release(&pts[p].res);
  free(pts);
  qs_model_destroy(&model);
  return rc;
}
