/* The compare-model command: the transmon model (paper Appendix E) against
 * the qubit model qubit_osc (Eq. 4) with the effective rates fitted by
 * qs_transmon_rates, over the g values of [sweep] (Figs. 10 and 11).
 *
 * Transmon side, per g: the master equation with the weak drive and
 * without it (eps = 0, the reference of Omega), each time averaged over
 * the [mesolve] window in the drive frame; the two-qubit state is the
 * averaged state with the resonators traced out and each transmon
 * projected on {|g>, |e>} (qs_transmon_qubit_state).  From it |<S+_A>|,
 * |<S+_B>| and Omega = S(rho_diag) - S(rho) (qs_sync_measure; rho_diag in
 * the eigenbasis of the undriven projected state).
 * Qubit side: the exact steady state of qubit_osc with the parameters of
 * qs_qubit_map_values (qubit_map.h: the fitted rates, g_spin = 2 g, ...). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

enum { CM_SP_A, CM_SP_B, CM_OMEGA, CM_P_QUBIT, CM_SP_A_QUBIT, CM_SP_B_QUBIT, CM_OMEGA_QUBIT,
       CM_SP_A_RE, CM_SP_A_IM, CM_SP_B_RE, CM_SP_B_IM, CM_N };
static const char *const cm_cols[CM_N] = {
    "Sp_A", "Sp_B", "Omega", "p_qubit", "Sp_A_qubit", "Sp_B_qubit", "Omega_qubit",
    "Sp_A.re", "Sp_A.im", "Sp_B.re", "Sp_B.im"};
static const char *const cm_units[CM_N] = {"1", "1", "nats", "1", "1", "1", "nats",
                                           "1", "1", "1", "1"};

typedef struct {
  double rates[4];   /* w_A, gamma_A, w_B, gamma_B in rad/us */
  double *rows;      /* n_points * (1 + CM_N) */
  double *curve;     /* qubit model on a fine g grid: CURVE_POINTS * 4 */
} compare_result;

static double param(const cli_context *ctx, const double *values, const char *key)
{
  return values[qs_model_param_index(ctx->cfg.model_type, key)];
}

static int check_input(const cli_context *ctx)
{
  const qs_runconfig *cfg = &ctx->cfg;
  if (!qs_model_type_has(cfg->model_type, QS_MODEL_CAP_TRANSMON_PAIR)) {
    cli_error("%s: [model] name = %s: qsync compare-model compares model transmon with the "
              "qubit model", cfg->path, cfg->model_type->name);
    return EXIT_BAD_INPUT;
  }
  if (qs_sweep_active(&cfg->sweep[1]) ||
      (qs_sweep_active(&cfg->sweep[0]) && strcasecmp(cfg->sweep[0].key, "g") != 0)) {
    cli_error("%s: [sweep]: qsync compare-model sweeps model.g only (key = model.g, in kHz); "
              "the rates are fitted once", cfg->path);
    return EXIT_BAD_INPUT;
  }
  double v[QS_MODEL_MAX_PARAMS], no_rates[4] = {0};
  char msg[256] = "";
  if (qs_qubit_map_values(cfg->model_type, cfg->model_values, no_rates, 0.0, 0.0, v, msg,
                          sizeof msg) != QS_OK) {
    cli_error("%s: [model] %s", cfg->path, msg);
    return EXIT_BAD_INPUT;
  }
  return EXIT_OK;
}

/* Points 0..n-1 driven, n..2n-1 the same with eps = 0. */
static int build_points(const cli_context *ctx, qs_mesolve_point *pts, long n)
{
  int ie = qs_model_param_index(ctx->cfg.model_type, "eps");
  for (long p = 0; p < 2 * n; p++) {
    cli_sweep_point_values(&ctx->cfg, p % n, pts[p].values, pts[p].sweep_x);
    if (p >= n)
      pts[p].values[ie] = 0.0;
    pts[p].model = cli_build_model(ctx, pts[p].values);
    if (!pts[p].model)
      return EXIT_BAD_INPUT;
  }
  return EXIT_OK;
}

/* Exact steady state of the transmon model at g = 0, eps = 0 (then time
 * independent), in the pumps' frame (= the drive frame at t = 0). */
static int uncoupled_steady_state(const cli_context *ctx, double complex **rho)
{
  double v[QS_MODEL_MAX_PARAMS];
  memcpy(v, ctx->cfg.model_values, sizeof v);
  v[qs_model_param_index(ctx->cfg.model_type, "g")] = 0.0;
  v[qs_model_param_index(ctx->cfg.model_type, "eps")] = 0.0;
  qs_model *m = cli_build_model(ctx, v);
  if (!m)
    return EXIT_BAD_INPUT;
  size_t n = (size_t)m->space.total;
  *rho = malloc(n * n * sizeof **rho);
  double residual = NAN;
  qs_status st = *rho ? qs_steady_state(m, QS_STEADY_AUTO, *rho, &residual) : QS_ERR_NOMEM;
  qs_model_destroy(&m);
  if (st == QS_OK)
    return EXIT_OK;
  cli_error("%s: steady state of the uncoupled, undriven transmons failed: %s", ctx->cfg.path,
            qs_strerror(st));
  return EXIT_RUNTIME;
}

static int fit_rates(const cli_context *ctx, double rates[4])
{
  const qs_runconfig *cfg = &ctx->cfg;
  qs_rates_options o = qs_runfile_rates_options(cfg);
  qs_transmon_rate_result res;
  char msg[512] = "";
  qs_status st = qs_transmon_rates(cfg->model_type, cfg->model_values, &o, &res, msg, sizeof msg);
  if (st != QS_OK) {
    cli_error("%s: rate fit failed: %s%s%s", cfg->path, qs_strerror(st), msg[0] ? ": " : "",
              msg);
    qs_transmon_rates_release(&res);
    return EXIT_RUNTIME;
  }
  qs_qubit_map_rates(&res, rates);
  qs_transmon_rates_release(&res);
  if (!ctx->quiet)
    printf("fitted rates (g = 0, eps = 0): w_A/2pi = %.4f kHz, gamma_A/2pi = %.4f kHz, "
           "w_B/2pi = %.4f kHz, gamma_B/2pi = %.4f kHz (w_A/gamma_A = %.4f, w_B/gamma_B = "
           "%.4f)\n", qs_rate_to_khz(rates[0]), qs_rate_to_khz(rates[1]),
           qs_rate_to_khz(rates[2]), qs_rate_to_khz(rates[3]), rates[0] / rates[1],
           rates[2] / rates[3]);
  return EXIT_OK;
}

static int transmon_side(const cli_context *ctx, const qs_mesolve_point *drv,
                         const qs_mesolve_point *und, double *row)
{
  qs_qubit_map_projection q;
  qs_status st = qs_qubit_map_project(drv->model, drv->rho, und->model, und->rho, &q);
  if (st == QS_OK && q.dropped > 1e-3)
    fprintf(stderr, "qsync: warning: %s: g = %g kHz: the undriven two-qubit state has "
            "coherences between S^z sectors up to %.2g (dropped; the time average has not "
            "removed the pumps' rotating coherences: lengthen [mesolve] avg_periods)\n",
            ctx->cfg.path, drv->sweep_x[0], q.dropped);
  if (st != QS_OK) {
    cli_error("%s: g = %g kHz: projected two-qubit state or Omega failed: %s", ctx->cfg.path,
              drv->sweep_x[0], qs_strerror(st));
    return EXIT_RUNTIME;
  }
  row[CM_SP_A] = cabs(q.sp[0]);
  row[CM_SP_B] = cabs(q.sp[1]);
  row[CM_OMEGA] = q.omega;
  row[CM_P_QUBIT] = q.p_qubit;
  row[CM_SP_A_RE] = creal(q.sp[0]);
  row[CM_SP_A_IM] = cimag(q.sp[0]);
  row[CM_SP_B_RE] = creal(q.sp[1]);
  row[CM_SP_B_IM] = cimag(q.sp[1]);
  return EXIT_OK;
}

/* Exact qubit-model steady state at coupling g_khz and drive eps_khz (the
 * other parameters from the transmon values tv): |<S+_A>|, |<S+_B>| and
 * Omega in abs_sp_omega; rho2 (4 x 4) may be NULL. */
static int qubit_point(const cli_context *ctx, const double *tv, const double rates[4],
                       double g_khz, double eps_khz, double abs_sp_omega[3],
                       double complex *rho2)
{
  qs_steady_point pt;
  double complex sp[2];
  double v[QS_MODEL_MAX_PARAMS];
  char msg[512] = "";
  qs_status st = qs_qubit_map_values(ctx->cfg.model_type, tv, rates, g_khz, eps_khz, v, msg,
                                     sizeof msg);
  if (st == QS_OK)
    st = qs_qubit_map_steady(v, &pt, rho2, sp, msg, sizeof msg);
  if (st == QS_OK) {
    abs_sp_omega[0] = cabs(sp[0]);
    abs_sp_omega[1] = cabs(sp[1]);
    abs_sp_omega[2] = pt.omega;
    return EXIT_OK;
  }
  cli_error("%s: qubit model at g = %g kHz, eps = %g kHz failed: %s%s%s", ctx->cfg.path,
            g_khz, eps_khz, qs_strerror(st), msg[0] ? ": " : "", msg);
  return EXIT_RUNTIME;
}

/* Start of the transmon master equation (qs_qubit_map_embed): the
 * uncoupled transmon steady state plus the qubit model's deviation from
 * its own uncoupled state.  Starting from E(rho2) alone, the missing
 * dressing of the pumps kicks a free precession at the qubit frequency
 * (near the drive's) that decays only with the coherence time 2/Gamma. */
static int start_state(const qs_model *m, const double complex *rho_ss0,
                       const double complex rho2[16], const double complex rho2_0[16],
                       double complex **rho)
{
  size_t n = (size_t)m->space.total;
  *rho = malloc(n * n * sizeof **rho);
  if (!*rho || qs_qubit_map_embed(m, rho_ss0, rho2, rho2_0, *rho) != QS_OK)
    return EXIT_RUNTIME;
  return EXIT_OK;
}

/* Qubit-model columns of one g point, and the two start states. */
static int qubit_side(const cli_context *ctx, const double rates[4],
                      const double complex *rho_ss0, qs_mesolve_point *drv, qs_mesolve_point *und,
                      double *row)
{
  const double *tv = drv->values;
  double complex rho2[16], rho2u[16], rho2_0[16];
  double unused[3];
  double g = param(ctx, tv, "g");
  /* |S+_A|, |S+_B|, Omega of the qubit model go straight into the row */
  int rc = qubit_point(ctx, tv, rates, g, param(ctx, tv, "eps"), row + CM_SP_A_QUBIT, rho2);
  if (rc == EXIT_OK)
    rc = qubit_point(ctx, tv, rates, g, 0.0, unused, rho2u);
  if (rc == EXIT_OK)
    rc = qubit_point(ctx, tv, rates, 0.0, 0.0, unused, rho2_0);
  if (rc == EXIT_OK)
    rc = start_state(drv->model, rho_ss0, rho2, rho2_0, &drv->rho_start);
  if (rc == EXIT_OK)
    rc = start_state(und->model, rho_ss0, rho2u, rho2_0, &und->rho_start);
  return rc;
}

/* The qubit model on a fine g grid (the figures' lines): g, |Sp_A|,
 * |Sp_B|, Omega. */
enum { CURVE_POINTS = 71 };
static int qubit_curve(const cli_context *ctx, const double *tv, const double rates[4],
                       double g_max, double *rows)
{
  for (int k = 0; k < CURVE_POINTS; k++) {
    double g = g_max * k / (CURVE_POINTS - 1);
    double *row = rows + 4 * k;
    row[0] = g;
    int rc = qubit_point(ctx, tv, rates, g, param(ctx, tv, "eps"), row + 1, NULL);
    if (rc != EXIT_OK)
      return rc;
  }
  return EXIT_OK;
}

static int write_compare(const cli_context *ctx, const qs_model *model, const compare_result *r,
                         long n)
{
  const char *cnames[4] = {"g", "Sp_A_qubit", "Sp_B_qubit", "Omega_qubit"};
  const char *cunits[4] = {"kHz", "1", "1", "nats"};
  const char *names[1 + CM_N], *units[1 + CM_N];
  names[0] = "g";
  units[0] = "kHz";
  for (int c = 0; c < CM_N; c++) {
    names[1 + c] = cm_cols[c];
    units[1 + c] = cm_units[c];
  }
  const char *rnames[6] = {"w_A", "gamma_A", "w_B", "gamma_B", "ratio_A", "ratio_B"};
  const char *runits[6] = {"kHz", "kHz", "kHz", "kHz", "1", "1"};
  double rrow[6];
  for (int k = 0; k < 4; k++)
    rrow[k] = qs_rate_to_khz(r->rates[k]);
  rrow[4] = r->rates[0] / r->rates[1];
  rrow[5] = r->rates[2] / r->rates[3];
  qs_table tables[3] = {{"summary", 1 + CM_N, names, n, r->rows, units},
                        {"rates", 6, rnames, 1, rrow, runits},
                        {"qubit_curve", 4, cnames, CURVE_POINTS, r->curve, cunits}};
  return cli_write_tables(ctx, "compare-model", model, tables, 3, NULL);
}

static void print_rows(const compare_result *r, long n)
{
  printf("  g/2pi (kHz)   |S+_A| transmon  qubit   |S+_B| transmon  qubit   Omega transmon  "
         "qubit     p_qubit\n");
  for (long p = 0; p < n; p++) {
    const double *row = r->rows + p * (1 + CM_N), *v = row + 1;
    printf("  %10.3f   %9.5f  %9.5f   %9.5f  %9.5f   %11.3e  %11.3e   %.5f\n", row[0],
           v[CM_SP_A], v[CM_SP_A_QUBIT], v[CM_SP_B], v[CM_SP_B_QUBIT], v[CM_OMEGA],
           v[CM_OMEGA_QUBIT], v[CM_P_QUBIT]);
  }
}

static double g_max(const cli_context *ctx, const qs_mesolve_point *pts, long n)
{
  double g = 0.0;
  for (long p = 0; p < n; p++)
    g = fmax(g, param(ctx, pts[p].values, "g"));
  return g > 0.0 ? g : 350.0; /* Table I's range */
}

int cli_compare_model(cli_context *ctx)
{
  int rc = check_input(ctx);
  if (rc != EXIT_OK)
    return rc;
  long n = cli_sweep_points(&ctx->cfg);
  qs_mesolve_point *pts = calloc((size_t)(2 * n), sizeof *pts);
  double *times = cli_output_times(ctx->cfg.me_t_end, ctx->cfg.me_n_times);
  compare_result res = {{0}, calloc((size_t)n * (1 + CM_N), sizeof(double)),
                        calloc(4 * CURVE_POINTS, sizeof(double))};
  if (!pts || !times || !res.rows || !res.curve) {
    cli_error("%s: out of memory for %ld g values and %ld output times ([sweep] points, "
              "[mesolve] n_times)", ctx->cfg.path, (long)n, ctx->cfg.me_n_times);
    rc = EXIT_RUNTIME;
  }
  if (rc == EXIT_OK)
    rc = build_points(ctx, pts, n);
  if (rc == EXIT_OK)
    rc = fit_rates(ctx, res.rates);
  double complex *rho_ss0 = NULL;
  if (rc == EXIT_OK)
    rc = uncoupled_steady_state(ctx, &rho_ss0);
  for (long p = 0; p < n && rc == EXIT_OK; p++) {
    double *row = res.rows + p * (1 + CM_N);
    row[0] = param(ctx, pts[p].values, "g");
    rc = qubit_side(ctx, res.rates, rho_ss0, &pts[p], &pts[n + p], row + 1);
  }
  free(rho_ss0);
  if (rc == EXIT_OK)
    rc = qubit_curve(ctx, pts[0].values, res.rates, g_max(ctx, pts, n), res.curve);
  if (rc == EXIT_OK)
    rc = cli_mesolve_integrate(ctx, pts, 2 * n, times);
  for (long p = 0; p < n && rc == EXIT_OK; p++)
    rc = transmon_side(ctx, &pts[p], &pts[n + p], res.rows + p * (1 + CM_N) + 1);
  if (rc == EXIT_OK && !ctx->quiet)
    print_rows(&res, n);
  if (rc == EXIT_OK)
    rc = write_compare(ctx, pts[0].model, &res, n);
  for (long p = 0; pts && p < 2 * n; p++)
    qs_mesolve_point_release(&pts[p]);
  free(pts);
  free(times);
  free(res.rows);
  free(res.curve);
  return rc;
}
