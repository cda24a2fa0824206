/* Error bars of what a run reports beyond the observable means: jackknife
 * errors of the nonlinear quantities (the model's derived quantities,
 * Omega, the trace distance to an exact state), the target-error options
 * and the reason a run stopped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

int cli_target_mask(const cli_context *ctx, const qs_model *model, unsigned char *mask,
                    const unsigned char **out)
{
  *out = NULL;
  const char *list = ctx->cfg.target_obs;
  if (strcasecmp(list, "all") == 0 || list[0] == '\0')
    return EXIT_OK;
  memset(mask, 0, (size_t)model->n_obs);
  char buf[256];
  snprintf(buf, sizeof buf, "%s", list);
  for (char *save = NULL, *name = strtok_r(buf, ", ", &save); name;
       name = strtok_r(NULL, ", ", &save)) {
    int k = qs_model_obs_index(model, name);
    if (k < 0) {
      cli_error("%s: [run] target_obs: '%s' is not an observable of %s (qsync help %s "
                "lists them)", ctx->cfg.path, name, model->type->name, model->type->name);
      return EXIT_BAD_INPUT;
    }
    mask[k] = 1;
  }
  *out = mask;
  return EXIT_OK;
}

void cli_print_stop(const cli_context *ctx, const qs_ensemble_result *r,
                    const unsigned char *mask)
{
  const qs_runconfig *cfg = &ctx->cfg;
  if (ctx->quiet || !(cfg->target_stderr > 0.0))
    return;
  double se = qs_ensemble_target_stderr(r, mask);
  switch (r->stop_reason) {
  case QS_STOP_TARGET:
    printf("stopped: target standard error reached: max stderr %.3g < target_stderr %g "
           "after %ld trajectories\n", se, cfg->target_stderr, r->ntraj);
    break;
  case QS_STOP_REQUESTED:
    printf("stopped: [run] max_wall = %g s reached after %ld trajectories; max stderr %.3g "
           "(target_stderr %g not reached)\n", cfg->max_wall, r->ntraj, se, cfg->target_stderr);
    break;
  default:
    printf("stopped: ntraj = %ld reached; max stderr %.3g (target_stderr %g not reached)\n",
           r->ntraj, se, cfg->target_stderr);
  }
}

/* ---- jackknife errors ------------------------------------------------------ */

typedef struct {
  const qs_model *model;
  int k;
} derived_fn;

static qs_status derived_of(const double complex *obs, double *value, void *data)
{
  const derived_fn *d = data;
  double *out = malloc((size_t)d->model->n_derived * sizeof *out);
  if (!out)
    return QS_ERR_NOMEM;
  d->model->derived(d->model, obs, out);
  *value = out[d->k];
  free(out);
  return QS_OK;
}

typedef struct {
  qs_index dim;
  const double complex *exact;
} distance_fn;

static qs_status distance_of(const double complex *rho, double *value, void *data)
{
  const distance_fn *d = data;
  return qs_trace_distance(d->dim, rho, d->exact, value);
}

static void add_row(cli_derived *set, const char *name, double plain, double corrected,
                    double se, double exact)
{
  if (set->n == CLI_MAX_DERIVED)
    return;
  cli_derived_row *row = &set->rows[set->n++];
  snprintf(row->name, sizeof row->name, "%s", name);
  row->plain = plain;
  row->corrected = corrected;
  row->se = se;
  row->exact = exact;
}

/* Derived quantity k of the means of the time averages. */
static double plain_derived(const qs_model *model, const qs_ensemble_result *res, int k)
{
  double complex *mean = malloc((size_t)model->n_obs * sizeof *mean);
  double value = NAN;
  derived_fn d = {model, k};
  for (int i = 0; mean && i < model->n_obs; i++)
    mean[i] = qs_mean_of(res->avg_sum[i], res->ntraj);
  if (mean)
    derived_of(mean, &value, &d);
  free(mean);
  return value;
}

/* The model's derived quantities (negativity, chsh) of the observable means. */
static void derived_rows(const qs_model *model, const qs_ensemble_result *res,
                         const double complex *exact_obs, cli_derived *set)
{
  for (int k = 0; k < model->n_derived; k++) {
    derived_fn d = {model, k};
    double exact = NAN;
    if (exact_obs)
      derived_of(exact_obs, &exact, &d);
    double plain = NAN, corrected = NAN, se = NAN;
    if (qs_ensemble_jackknife_obs(res, derived_of, &d, &plain, &corrected, &se) != QS_OK)
      plain = plain_derived(model, res, k); /* too few groups: no error bar */
    add_row(set, model->derived_names[k], plain, corrected, se, exact);
  }
}

int cli_derived_errors(const cli_context *ctx, const qs_model *model,
                       const qs_ensemble_result *res, const double complex *exact_obs,
                       const double complex *exact_rho, const cli_derived_row *omega,
                       cli_derived *set)
{
  set->n = 0;
  set->groups = qs_ensemble_groups_used(res);
  derived_rows(model, res, exact_obs, set);
  if (omega)
    set->rows[set->n++] = *omega;
  else if (qs_sync_has_measure(model) && res->rho_avg_group) {
    double plain = NAN, corrected = NAN, se = NAN;
    int groups = 0;
    char msg[256] = "";
    qs_steady_options opt = qs_runfile_steady_options(&ctx->cfg);
    qs_status st = qs_sync_omega_jackknife_ex(model, res, &opt, &plain, &corrected, &se,
                                              &groups, msg, sizeof msg);
    /* An error bar that cannot be computed is no reason to lose the run. */
    if (st != QS_OK && groups >= 2)
      cli_error("warning: Omega from trajectories failed: %s%s%s; written as nan",
                qs_strerror(st), msg[0] ? ": " : "", msg);
    add_row(set, "Omega", plain, corrected, se, NAN);
  }
  if (exact_rho && res->rho_avg_group) {
    distance_fn d = {model->space.total, exact_rho};
    double plain = NAN, corrected = NAN, se = NAN;
    (void)qs_ensemble_jackknife(res, distance_of, &d, &plain, &corrected, &se);
    add_row(set, "trace_distance", plain, corrected, se, 0.0);
  }
  return EXIT_OK;
}

void cli_derived_print(const cli_context *ctx, const cli_derived *set)
{
  if (ctx->quiet || set->n == 0)
    return;
  printf("nonlinear quantities of the trajectory means (jackknife over %d groups of "
         "%d-trajectory blocks):\n", set->groups, QS_ENSEMBLE_BLOCK);
  for (int i = 0; i < set->n; i++)
    printf("  %-14s % .6g ± %.2g  (bias-corrected % .6g)\n", set->rows[i].name,
           set->rows[i].plain, set->rows[i].se, set->rows[i].corrected);
}

void cli_derived_table(cli_derived *set, int with_exact, qs_table *table)
{
  static const char *const suffix[4] = {"", "_se", "_jackknife", "_exact"};
  int per = with_exact ? 4 : 3;
  for (int i = 0; i < set->n; i++) {
    const cli_derived_row *r = &set->rows[i];
    double v[4] = {r->plain, r->se, r->corrected, r->exact};
    for (int c = 0; c < per; c++) {
      int col = per * i + c;
      /* composed apart: r->name lives in *set too (gcc -Wrestrict at -O1) */
      char name[sizeof set->column_names[0]];
      snprintf(name, sizeof name, "%s%s", r->name, suffix[c]);
      memcpy(set->column_names[col], name, sizeof name);
      set->columns[col] = set->column_names[col];
      set->data[col] = v[c];
    }
  }
  *table = (qs_table){"derived", per * set->n, set->columns, 1, set->data, NULL};
}
