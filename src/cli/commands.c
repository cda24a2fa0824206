/* The run and compare commands (steady and mesolve: sweep.c). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Absolute numerical floor added to the standard error in z-scores, so
 * that quantities that vanish identically (Im<Sz>, zero by symmetry in
 * both methods) compare as 0 instead of rounding noise / 0. */
#define Z_NUMERICAL_FLOOR 1e-10

qs_model *cli_build_model(const cli_context *ctx, const double *values)
{
  char msg[512];
  qs_model *model = NULL;
  qs_status st = qs_model_create(ctx->cfg.model_type, values ? values : ctx->cfg.model_values,
                                 &model, msg, sizeof msg);
  if (st == QS_ERR_INVALID)
    cli_error("%s: [model] %s", ctx->cfg.path, msg);
  else if (st != QS_OK)
    cli_error("%s: cannot build the model: %s", ctx->cfg.path, qs_strerror(st));
  return model;
}

double *cli_output_times(double t_end, long n_times)
{
  double *times = malloc((size_t)n_times * sizeof *times);
  for (long t = 0; times && t < n_times; t++)
    times[t] = t_end * (double)t / (double)(n_times - 1);
  return times;
}

static int write_results(const cli_context *ctx, const qs_output *out)
{
  char msg[1024];
  qs_status st = qs_output_write(ctx->out_dir, out, msg, sizeof msg);
  if (st != QS_OK) {
    cli_error("%s", msg);
    return EXIT_RUNTIME;
  }
  if (!ctx->quiet) {
    printf("results: %s/run.h5, %s/summary.tsv", ctx->out_dir, ctx->out_dir);
    for (int i = 0; i < out->n_tables; i++)
      printf(", %s/%s.tsv", ctx->out_dir, out->tables[i].name);
    printf("\n");
  }
  return EXIT_OK;
}

/* What to change after a failed ensemble: the settings that drive that
 * failure, not a generic list. */
static const char *ensemble_failure_hint(qs_status st)
{
  switch (st) {
  case QS_ERR_NOMEM:
    return "the memory grows with [run] n_times, store_rho and threads and with the "
           "dimension set by the [model] size parameters";
  case QS_ERR_CVODE:
    return "try a larger [run] max_steps, or rtol/atol closer to the defaults";
  default:
    return "see the message above";
  }
}

/* store_rho up to [run] max_rho_dim; above it the run says so. */
static int rho_stored(const cli_context *ctx, const qs_model *model)
{
  const qs_runconfig *cfg = &ctx->cfg;
  if (!cfg->store_rho)
    return 0;
  if (model->space.total <= cfg->max_rho_dim)
    return 1;
  if (!ctx->quiet)
    printf("note: rho is not stored: dimension %lld > [run] max_rho_dim = %ld (raise it, "
           "memory permitting, to store it)\n", (long long)model->space.total,
           cfg->max_rho_dim);
  return 0;
}

/* With a target error, [run] max_wall stops the run at a block boundary
 * (its results written) instead of ending the process (resources.c). */
static int wall_time_over(void *data)
{
  return cli_now() > *(const double *)data;
}

/* [run] integrator against the model: exact needs a Hamiltonian without
 * time dependence and a well-conditioned eigendecomposition of H_eff
 * (checked here once so the message names the cause; every trajectory
 * checks again at create). */
int cli_check_integrator(const cli_context *ctx, const qs_model *model)
{
  char why[200];
  qs_integrator integrator = (qs_integrator)ctx->cfg.integrator;
  if (!qs_traj_integrator_supported(integrator, model, why, sizeof why)) {
    cli_error("%s: [run] integrator: %s", ctx->cfg.path, why);
    return EXIT_BAD_INPUT;
  }
  if (integrator != QS_INTEGRATOR_EXACT)
    return EXIT_OK;
  qs_traj_options topt = qs_runfile_traj_options(&ctx->cfg);
  double cond = NAN, residual = NAN, allowed = NAN;
  qs_status st = qs_traj_exact_check(model, &topt, &cond, &residual, &allowed);
  if (st == QS_OK)
    return EXIT_OK;
  if (st == QS_ERR_NUMERIC) {
    cli_error("%s: [run] integrator = exact: the eigenvectors of H_eff are nearly linearly "
              "dependent (condition number %.2g, reconstruction residual %.2g; at most %.2g "
              "and %.2g at this rtol): H_eff is defective or close to it (an exceptional "
              "point, or a long damped driven cavity ladder), so exp(-i H_eff t) cannot be "
              "formed from them accurately; use integrator = adams or erk",
              ctx->cfg.path, cond, residual, allowed / DBL_EPSILON, allowed);
    return EXIT_BAD_INPUT;
  }
  cli_error("%s: [run] integrator = exact: the eigendecomposition of H_eff failed: %s",
            ctx->cfg.path, qs_strerror(st));
  return st == QS_ERR_TOO_LARGE ? EXIT_BAD_INPUT : EXIT_RUNTIME;
}

/* Run the trajectory ensemble of the run file; prints a one-line summary. */
int cli_run_ensemble(const cli_context *ctx, const qs_model *model,
                     qs_ensemble_result **res)
{
  const qs_runconfig *cfg = &ctx->cfg;
  if (cli_check_integrator(ctx, model) != EXIT_OK)
    return EXIT_BAD_INPUT;
  double *times = cli_output_times(cfg->t_end, cfg->n_times);
  unsigned char *mask = malloc((size_t)(model->n_obs > 0 ? model->n_obs : 1));
  if (!times || !mask) {
    free(times);
    free(mask);
    cli_error("%s: out of memory for %ld output times ([run] n_times)", cfg->path, cfg->n_times);
    return EXIT_RUNTIME;
  }
  qs_traj_options topt = qs_runfile_traj_options(cfg);
  char why[200];
  qs_integrator chosen = qs_traj_choose_integrator(model, &topt, why, sizeof why);
  topt.integrator = chosen; /* the ensemble would choose the same */
  cli_progress progress;
  cli_progress_init(&progress, ctx->quiet, "trajectories");
  qs_ensemble_options eopt = qs_runfile_ensemble_options(cfg);
  eopt.n_times = (int)cfg->n_times;
  eopt.times = times;
  eopt.store_rho = rho_stored(ctx, model);
  eopt.progress = cli_progress_update;
  eopt.progress_data = &progress;
  eopt.accums = cli_replay_accums(ctx, &eopt.n_accums);
  eopt.distribute = ctx->distribute;
  /* one deadline for the whole command (a sweep's points share it) */
  static double deadline;
  if (deadline == 0.0)
    deadline = cli_now() + cfg->max_wall;
  if (cfg->target_stderr > 0.0) {
    eopt.stop_requested = wall_time_over;
    eopt.stop_data = &deadline;
  }
  int rc = cli_target_mask(ctx, model, mask, &eopt.target_obs);
  if (rc != EXIT_OK) {
    free(times);
    free(mask);
    return rc;
  }
  char msg[512] = "";
  cli_checkpointer ck;
  rc = cli_checkpoint_begin(ctx, &eopt, &ck);
  if (ctx->distribute) /* no rank starts when rank 0 cannot (a refused checkpoint) */
    rc = (int)qs_dist_share(rc);
  double start = cli_now();
  qs_status st = rc == EXIT_OK ? qs_ensemble_run(model, &topt, &eopt, res, msg, sizeof msg)
                               : QS_OK;
  double elapsed = cli_now() - start;
  cli_progress_finish(&progress);
  free(times);
  int stop = cli_checkpoint_end(&ck, st);
  if (rc != EXIT_OK || stop != EXIT_OK) {
    free(mask);
    return rc != EXIT_OK ? rc : stop;
  }
  if (st == QS_ERR_INVALID && msg[0]) {
    free(mask);
    cli_error("%s: [run] %s", cfg->path, msg);
    return EXIT_BAD_INPUT;
  }
  if (st != QS_OK) {
    free(mask);
    cli_error("%s: trajectory ensemble failed: %s%s%s (%s)", cfg->path, qs_strerror(st),
              msg[0] ? ": " : "", msg, ensemble_failure_hint(st));
    return EXIT_RUNTIME;
  }
  const qs_ensemble_result *r = *res;
  if (ctx->rank > 0) { /* a share of the work without sums: rank 0 reports */
    free(mask);
    return EXIT_OK;
  }
  if (r->ntraj < 2 && !ctx->dump_state) /* a replay is one trajectory by design */
    cli_error("warning: %s: [run] ntraj = %ld: the standard errors need two trajectories; "
              "they are written as nan", cfg->path, r->ntraj);
  if (!ctx->quiet)
    printf("%ld trajectories of %s in %.2f s (%.0f traj/s, threads: %d); per trajectory: "
           "%.1f jumps, %s: %.0f steps, %.0f RHS evaluations\n",
           r->ntraj, model->type->name, elapsed, (double)r->ntraj / elapsed,
           (int)cfg->threads, (double)r->work.jumps / r->ntraj,
           qs_integrator_name(chosen),
           (double)r->work.steps / r->ntraj, (double)r->work.rhs_evals / r->ntraj);
  if (!ctx->quiet && cfg->integrator == QS_INTEGRATOR_AUTO)
    printf("integrator = auto chose %s: %s\n", qs_integrator_name(chosen), why);
  cli_print_stop(ctx, r, eopt.target_obs);
  free(mask);
  return EXIT_OK;
}

static void print_ensemble_steady(const qs_model *model, const qs_ensemble_result *r,
                                  double burn_in)
{
  printf("steady-state estimate (time average over t >= %g, %d output times, "
         "%ld trajectories):\n", burn_in, r->n_avg, r->ntraj);
  for (int k = 0; k < model->n_obs; k++) {
    double complex m = qs_mean_of(r->avg_sum[k], r->ntraj);
    double complex se = qs_stderr_of(r->avg_sum[k], r->avg_sq_re[k], r->avg_sq_im[k], r->ntraj);
    printf("  %-8s % .6f ± %.6f  %+.6f ± %.6f i\n", model->obs_names[k], creal(m),
           creal(se), cimag(m), cimag(se));
  }
}

/* Jackknife errors of the nonlinear quantities, printed and as the table
 * "derived" (derived.tsv: summary.tsv keeps its columns). */
static int run_derived(const cli_context *ctx, const qs_model *model,
                       const qs_ensemble_result *res, cli_derived *set, qs_table *table)
{
  int rc = cli_derived_errors(ctx, model, res, NULL, NULL, NULL, set);
  if (rc != EXIT_OK)
    return rc;
  cli_derived_print(ctx, set);
  cli_derived_table(set, 0, table);
  return EXIT_OK;
}

int cli_run(cli_context *ctx)
{
  if (cli_sweep_points(&ctx->cfg) > 1 || qs_sweep_active(&ctx->cfg.sweep[0]))
    return cli_run_sweep(ctx);
  int rc = cli_replay_check(ctx);
  if (rc != EXIT_OK)
    return rc;
  qs_model *model = cli_build_model(ctx, NULL);
  if (!model)
    return EXIT_BAD_INPUT;
  qs_ensemble_result *res = NULL;
  cli_derived *derived = calloc(1, sizeof *derived);
  qs_table table = {0};
  rc = derived ? cli_run_ensemble(ctx, model, &res) : EXIT_RUNTIME;
  if (ctx->rank > 0) {
    free(derived);
    qs_ensemble_result_destroy(&res);
    qs_model_destroy(&model);
    return rc;
  }
  if (rc == EXIT_OK) {
    if (!ctx->quiet)
      print_ensemble_steady(model, res, ctx->cfg.burn_in);
    rc = run_derived(ctx, model, res, derived, &table);
  }
  if (rc == EXIT_OK) {
    int top = model->cavity_top_obs;
    qs_truncation trunc = qs_truncation_start(ctx->cfg.truncation_tol);
    if (top >= 0)
      qs_truncation_note(&trunc, model, creal(qs_mean_of(res->avg_sum[top], res->ntraj)), 0);
    if (cli_truncation_report(ctx, &trunc))
      rc = EXIT_RUNTIME;
  }
  if (rc == EXIT_OK) {
    qs_output out = {.command = "run", .cfg = &ctx->cfg, .model = model, .ens = res,
                     .n_tables = table.n_cols > 0, .tables = &table};
    rc = write_results(ctx, &out);
  }
  if (rc == EXIT_OK)
    rc = cli_replay_dump(ctx, res);
  free(derived);
  qs_ensemble_result_destroy(&res);
  qs_model_destroy(&model);
  return rc;
}

/* Exact steady state and its observables. */
static int exact_steady(const cli_context *ctx, const qs_model *model, double complex *rho,
                        double complex *obs, double *residual, double *seconds)
{
  double start = cli_now();
  qs_steady_options opt = qs_runfile_steady_options(&ctx->cfg);
  qs_steady_info info;
  char msg[512] = "";
  qs_status st = qs_steady_state_ex(model, &opt, rho, &info, msg, sizeof msg);
  *residual = info.residual;
  *seconds = cli_now() - start;
  if (st != QS_OK) {
    cli_error("%s: exact steady state (method %s) failed: %s%s%s", ctx->cfg.path,
              qs_steady_method_name(ctx->cfg.steady_method), qs_strerror(st),
              msg[0] ? ": " : "", msg);
    return EXIT_RUNTIME;
  }
  if (!info.converged) /* a rate series above tol: an approximation, said so */
    cli_error("warning: %s: %s", ctx->cfg.path, msg);
  for (int k = 0; k < model->n_obs; k++)
    obs[k] = qs_op_trace_with(model->obs[k], rho);
  return EXIT_OK;
}

/* Exact synchronization quantities of the run file's point: Omega (Eq. 11),
 * Omega_blocks (Appendix B) and R = Omega / Omega(coupling = 0) (Eq. 13). */
const char *const cli_sync_names[QS_SYNC_N] = {"Omega", "Omega_blocks", "R"};

int cli_sync_derived(const cli_context *ctx, const double *values, double derived[QS_SYNC_N])
{
  const qs_runconfig *cfg = &ctx->cfg;
  qs_steady_options opt = qs_runfile_steady_options(cfg);
  char msg[512] = "";
  qs_status st = qs_sync_point_measures(cfg->model_type, values, &opt, derived, msg,
                                        sizeof msg);
  if (st != QS_OK) {
    cli_error("%s: synchronization measure failed: %s%s%s", cfg->path, qs_strerror(st),
              msg[0] ? ": " : "", msg);
    return EXIT_RUNTIME;
  }
  if (isnan(derived[QS_SYNC_R]) && cfg->model_type->coupling_param)
    cli_error("warning: %s: R = Omega / Omega(%s = 0) is undefined here: Omega(%s = 0) "
              "vanishes (below %g; e.g. no drive); R is written as nan", cfg->path,
              cfg->model_type->coupling_param, cfg->model_type->coupling_param,
              QS_SYNC_R_MIN_REFERENCE);
  return EXIT_OK;
}

static int alloc_exact(const cli_context *ctx, const qs_model *model, double complex **rho,
                       double complex **obs)
{
  size_t n = (size_t)model->space.total;
  *rho = malloc(n * n * sizeof **rho);
  *obs = malloc((size_t)model->n_obs * sizeof **obs);
  if (!*rho || !*obs) {
    cli_error("%s: out of memory for the %zu x %zu density matrix (the [model] size "
              "parameters set the dimension %zu)", ctx->cfg.path, n, n, n);
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

static double z_score(double traj, double se, double exact)
{
  return (traj - exact) / sqrt(se * se + Z_NUMERICAL_FLOOR * Z_NUMERICAL_FLOOR);
}

/* The larger of worst and |z|; a NaN z (an undefined comparison) counts as
 * infinitely bad, so that it can never pass. */
static double worse_z(double worst, double z)
{
  return isnan(z) ? INFINITY : fmax(worst, fabs(z));
}

/* A nonlinear quantity estimated from the trajectories' rho (jackknife). */
typedef struct {
  const char *name;
  double traj, stderr_, exact;
  int groups;            /* jackknife groups behind stderr_ */
} derived_row;

/* Fewest jackknife groups for which a z-score enters the PASS/FAIL verdict. */
#define JACKKNIFE_MIN_GROUPS 30

/* Print the comparison table and write compare.tsv; returns the largest |z|. */
static double compare_table(const cli_context *ctx, const qs_model *model,
                            const qs_ensemble_result *r, const double complex *exact,
                            double trace_distance, const derived_row *extra, int n_extra)
{
  size_t cap = 256 + 160 * ((size_t)model->n_obs * 2 + (size_t)n_extra);
  char *tsv = malloc(cap);
  size_t len = 0;
  if (tsv)
    len += (size_t)snprintf(tsv, cap, "# quantity\ttrajectory\tstderr\texact\tz\n");
  if (!ctx->quiet)
    printf("%-10s %24s %16s %8s\n", "quantity", "trajectory ± stderr", "exact", "z");
  double worst = 0.0;
  for (int k = 0; k < model->n_obs; k++) {
    double complex m = qs_mean_of(r->avg_sum[k], r->ntraj);
    double complex se = qs_stderr_of(r->avg_sum[k], r->avg_sq_re[k], r->avg_sq_im[k], r->ntraj);
    for (int part = 0; part < 2; part++) {
      double tv = part ? cimag(m) : creal(m), sv = part ? cimag(se) : creal(se);
      double ev = part ? cimag(exact[k]) : creal(exact[k]);
      double z = z_score(tv, sv, ev);
      worst = worse_z(worst, z);
      char name[48];
      snprintf(name, sizeof name, "%s.%s", model->obs_names[k], part ? "im" : "re");
      if (!ctx->quiet)
        printf("%-10s % 12.6f ± %9.6f % 16.6f % 8.2f\n", name, tv, sv, ev, z);
      if (tsv)
        len += (size_t)snprintf(tsv + len, cap - len, "%s\t%.10g\t%.10g\t%.10g\t%.4f\n",
                                name, tv, sv, ev, z);
    }
  }
  for (int k = 0; k < n_extra; k++) {
    const derived_row *d = &extra[k];
    double z = z_score(d->traj, d->stderr_, d->exact);
    /* A jackknife z over G groups is Student-t with G - 1 degrees of
     * freedom; only from ~30 groups on is it close enough to normal for
     * the normal threshold to mean what it says. */
    int in_verdict = d->groups >= JACKKNIFE_MIN_GROUPS;
    if (in_verdict)
      worst = worse_z(worst, z);
    if (!ctx->quiet)
      printf("%-10s % 12.6g ± %9.3g % 16.6g % 8.2f   (jackknife, %d groups%s)\n", d->name,
             d->traj, d->stderr_, d->exact, z, d->groups,
             in_verdict ? "" : "; too few for the verdict");
    if (tsv)
      len += (size_t)snprintf(tsv + len, cap - len, "%s\t%.10g\t%.10g\t%.10g\t%.4f\n",
                              d->name, d->traj, d->stderr_, d->exact, z);
  }
  if (tsv) {
    snprintf(tsv + len, cap - len, "trace_distance\t%.10g\t\t0\t\n", trace_distance);
    char msg[512];
    if (qs_output_write_text(ctx->out_dir, "compare.tsv", tsv, msg, sizeof msg) != QS_OK)
      cli_error("%s", msg);
  }
  free(tsv);
  return worst;
}

/* Omega of the trajectory estimate of the steady state (time average after
 * burn-in), bias-corrected and with an error bar by the jackknife over the
 * ensemble's trajectory groups, against the exact Omega. */
static int trajectory_omega(const cli_context *ctx, const qs_model *model,
                            const qs_ensemble_result *res, derived_row *row, int *n_rows,
                            cli_derived_row *jk)
{
  *jk = (cli_derived_row){"Omega", NAN, NAN, NAN, NAN};
  double derived[QS_SYNC_N];
  int rc = cli_sync_derived(ctx, ctx->cfg.model_values, derived);
  if (rc != EXIT_OK)
    return rc;
  double plain = NAN, corrected = NAN, se = NAN;
  int groups = 0;
  char msg[256] = "";
  qs_steady_options opt = qs_runfile_steady_options(&ctx->cfg);
  qs_status st = qs_sync_omega_jackknife_ex(model, res, &opt, &plain, &corrected, &se, &groups,
                                            msg, sizeof msg);
  if (st == QS_ERR_INVALID && groups < 2) {
    cli_error("note: Omega needs >= 2 blocks of %d trajectories for an error bar; skipped",
              QS_ENSEMBLE_BLOCK);
    return EXIT_OK;
  }
  if (st != QS_OK) {
    cli_error("Omega from trajectories failed: %s%s%s", qs_strerror(st), msg[0] ? ": " : "",
              msg);
    return EXIT_RUNTIME;
  }
  *row = (derived_row){"Omega", corrected, se, derived[QS_SYNC_OMEGA], groups};
  *n_rows = 1;
  *jk = (cli_derived_row){"Omega", plain, corrected, se, derived[QS_SYNC_OMEGA]};
  if (!ctx->quiet)
    printf("Omega from the trajectory rho: %.6g (plain), %.6g (jackknife bias-corrected) "
           "± %.2g\n", plain, corrected, se);
  return EXIT_OK;
}

/* The jackknife rows against their exact values (derived.tsv; compare.tsv
 * keeps its rows): the model's derived quantities enter the verdict as
 * Omega does (z of the bias-corrected value, from JACKKNIFE_MIN_GROUPS
 * groups on).  The trace distance has no z: it is >= 0 with exact value 0,
 * its estimate biased upwards by the noise. */
static int compare_derived(const cli_context *ctx, const qs_model *model,
                           const qs_ensemble_result *res, const double complex *obs,
                           const double complex *rho, const cli_derived_row *omega,
                           cli_derived *set, qs_table *table, double *worst)
{
  int rc = cli_derived_errors(ctx, model, res, obs, rho, omega, set);
  if (rc != EXIT_OK)
    return rc;
  cli_derived_print(ctx, set);
  int in_verdict = set->groups >= JACKKNIFE_MIN_GROUPS;
  for (int i = 0; i < set->n; i++) {
    const cli_derived_row *d = &set->rows[i];
    /* Omega is compare.tsv's own row; the trace distance has no z */
    if (isnan(d->exact) || strcmp(d->name, "trace_distance") == 0 ||
        strcmp(d->name, "Omega") == 0)
      continue;
    double z = z_score(d->corrected, d->se, d->exact);
    if (in_verdict)
      *worst = worse_z(*worst, z);
    if (!ctx->quiet)
      printf("%-10s % 12.6g ± %9.3g % 16.6g % 8.2f   (jackknife, %d groups%s)\n", d->name,
             d->corrected, d->se, d->exact, z, set->groups,
             in_verdict ? "" : "; too few for the verdict");
  }
  cli_derived_table(set, 1, table);
  return EXIT_OK;
}

int cli_compare(cli_context *ctx)
{
  if (ctx->cfg.ntraj < 2) {
    cli_error("%s: [run] ntraj = %ld: compare needs at least 2 trajectories (its z-scores "
              "divide by the standard error of the trajectory mean)", ctx->cfg.path,
              ctx->cfg.ntraj);
    return EXIT_BAD_INPUT;
  }
  qs_model *model = cli_build_model(ctx, NULL);
  if (!model)
    return EXIT_BAD_INPUT;
  qs_ensemble_result *res = NULL;
  double complex *rho = NULL, *obs = NULL;
  double residual = 0.0, seconds = 0.0;
  cli_derived *derived = calloc(1, sizeof *derived);
  int rc = derived ? alloc_exact(ctx, model, &rho, &obs) : EXIT_RUNTIME;
  if (rc == EXIT_OK && ctx->rank == 0) /* the exact state is rank 0's alone */
    rc = exact_steady(ctx, model, rho, obs, &residual, &seconds);
  if (ctx->distribute)
    rc = (int)qs_dist_share(rc);
  if (rc == EXIT_OK)
    rc = cli_run_ensemble(ctx, model, &res);
  if (rc == EXIT_OK && ctx->rank == 0) {
    double distance = NAN;
    if (res->rho_avg_sum) {
      size_t n2 = (size_t)(model->space.total * model->space.total);
      double complex *rho_traj = malloc(n2 * sizeof *rho_traj);
      for (size_t i = 0; rho_traj && i < n2; i++)
        rho_traj[i] = res->rho_avg_sum[i] / (double)res->ntraj;
      if (rho_traj)
        qs_trace_distance(model->space.total, rho_traj, rho, &distance);
      free(rho_traj);
    }
    if (!ctx->quiet)
      printf("steady state: trajectory time average (t >= %g) against exact (method %s, "
             "residual %.1e)\n", ctx->cfg.burn_in,
             qs_steady_method_name(ctx->cfg.steady_method), residual);
    derived_row omega_row;
    cli_derived_row omega_jk;
    int n_extra = 0, has_omega = qs_sync_has_measure(model) && res->rho_avg_group;
    if (has_omega)
      rc = trajectory_omega(ctx, model, res, &omega_row, &n_extra, &omega_jk);
    double worst = compare_table(ctx, model, res, obs, distance, &omega_row, n_extra);
    qs_table table = {0};
    if (rc == EXIT_OK)
      rc = compare_derived(ctx, model, res, obs, rho, has_omega ? &omega_jk : NULL, derived,
                           &table, &worst);
    qs_output out = {.command = "compare", .cfg = &ctx->cfg, .model = model, .ens = res,
                     .exact_obs = obs, .exact_rho = rho, .exact_residual = residual,
                     .n_tables = table.n_cols > 0, .tables = &table};
    int written = write_results(ctx, &out);
    if (rc == EXIT_OK) /* a failed Omega keeps its status */
      rc = written;
    int pass = worst < ctx->cfg.z_threshold;
    printf("trace distance D(rho_traj, rho_exact) = %.4f\n", distance);
    printf("max |z| = %.2f (threshold %g): %s\n", worst, ctx->cfg.z_threshold,
           pass ? "PASS" : "FAIL");
    if (rc == EXIT_OK && !pass)
      rc = EXIT_COMPARE_FAILED;
  }
  qs_ensemble_result_destroy(&res);
  free(derived);
  free(rho);
  free(obs);
  qs_model_destroy(&model);
  return rc;
}
