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
 * Qubit side: the exact steady state of qubit_osc with, in rad/us,
 *   w_j, gamma_j = the fitted rates,   g_spin = 2 g,   eps_spin = 2 eps
 *   (E1 couples with g (bA^dag bB + h.c.) and drives with eps (bA + bA^dag);
 *   Eq. 4 with (g/2)(S+S- + h.c.) and (eps/2)(S+ + S-)),
 *   delta_d = -2 pi detuning_d (qubit A minus drive),
 *   delta_q = 2 pi (f_qB - f_qA) (the shifted qubit frequencies),
 *   gamma_phi = gamma_phi_j / 2 (D[sqrt(gphi) b^dag b] = D[sqrt(2 gphi/2) Sz]
 *   on {g, e}; qubit_osc has one dephasing rate, so A and B must agree). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

#define TWO_PI (2.0 * 3.14159265358979323846)

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
} compare_result;

static double param(const cli_context *ctx, const double *values, const char *key)
{
  return values[qs_model_param_index(ctx->cfg.model_type, key)];
}

static int check_input(const cli_context *ctx)
{
  const qs_runconfig *cfg = &ctx->cfg;
  if (strcasecmp(cfg->model_type->name, "transmon") != 0) {
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
  if (param(ctx, cfg->model_values, "gamma_phi_A") != param(ctx, cfg->model_values,
                                                             "gamma_phi_B")) {
    cli_error("%s: [model] gamma_phi_A = %g, gamma_phi_B = %g: the qubit model has one "
              "dephasing rate; set them equal", cfg->path,
              param(ctx, cfg->model_values, "gamma_phi_A"),
              param(ctx, cfg->model_values, "gamma_phi_B"));
    return EXIT_BAD_INPUT;
  }
  return EXIT_OK;
}

/* Points 0..n-1 driven, n..2n-1 the same with eps = 0. */
static int build_points(const cli_context *ctx, cli_mesolve_pt *pts, long n)
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

static int fit_rates(const cli_context *ctx, double rates[4])
{
  const qs_runconfig *cfg = &ctx->cfg;
  qs_rates_options o = qs_rates_default_options();
  o.t_end = cfg->rates_t_end;
  o.n_times = (int)cfg->rates_n_times;
  o.t_skip = cfg->rates_t_skip;
  o.me.rtol = cfg->me_rtol;
  o.me.atol = cfg->me_atol;
  o.me.max_order = (int)cfg->me_max_order;
  qs_transmon_rate_result res;
  char msg[512] = "";
  qs_status st = qs_transmon_rates(cfg->model_type, cfg->model_values, &o, &res, msg, sizeof msg);
  if (st != QS_OK) {
    cli_error("%s: rate fit failed: %s%s%s", cfg->path, qs_strerror(st), msg[0] ? ": " : "",
              msg);
    qs_transmon_rates_release(&res);
    return EXIT_RUNTIME;
  }
  for (int j = 0; j < 2; j++) {
    rates[2 * j] = fmax(0.0, res.fit[j].w); /* a fitted -1e-12 is a zero rate */
    rates[2 * j + 1] = fmax(0.0, res.fit[j].gamma);
  }
  qs_transmon_rates_release(&res);
  if (!ctx->quiet)
    printf("fitted rates (g = 0, eps = 0): w_A/2pi = %.4f kHz, gamma_A/2pi = %.4f kHz, "
           "w_B/2pi = %.4f kHz, gamma_B/2pi = %.4f kHz (w_A/gamma_A = %.4f, w_B/gamma_B = "
           "%.4f)\n", qs_rate_to_khz(rates[0]), qs_rate_to_khz(rates[1]),
           qs_rate_to_khz(rates[2]), qs_rate_to_khz(rates[3]), rates[0] / rates[1],
           rates[2] / rates[3]);
  return EXIT_OK;
}

/* <S+_A> and <S+_B> of a two-qubit state in qubit_osc's basis (index
 * iA * 2 + iB, 0 = |e>): <S+> = Tr(rho |e><g|) = <g|rho|e>. */
static void qubit_coherences(const double complex rho2[16], double complex sp[2])
{
  sp[0] = sp[1] = 0.0;
  for (int o = 0; o < 2; o++) {
    sp[0] += rho2[(2 + o) + 4 * o];       /* <g o| rho |e o> */
    sp[1] += rho2[(2 * o + 1) + 4 * (2 * o)]; /* <o g| rho |o e> */
  }
}

static int transmon_side(const cli_context *ctx, const cli_mesolve_pt *drv,
                         const cli_mesolve_pt *und, double *row)
{
  double complex rho2[16], rho2u[16], sp[2];
  double p_qubit = 0.0, p_u = 0.0, omega = NAN;
  qs_status st = qs_transmon_qubit_state(drv->model, drv->rho, rho2, &p_qubit);
  if (st == QS_OK)
    st = qs_transmon_qubit_state(und->model, und->rho, rho2u, &p_u);
  if (st == QS_OK)
    st = qs_sync_measure(4, NULL, rho2, rho2u, &omega);
  if (st != QS_OK) {
    cli_error("%s: g = %g kHz: projected two-qubit state or Omega failed: %s", ctx->cfg.path,
              drv->sweep_x[0], qs_strerror(st));
    return EXIT_RUNTIME;
  }
  qubit_coherences(rho2, sp);
  row[CM_SP_A] = cabs(sp[0]);
  row[CM_SP_B] = cabs(sp[1]);
  row[CM_OMEGA] = omega;
  row[CM_P_QUBIT] = p_qubit;
  row[CM_SP_A_RE] = creal(sp[0]);
  row[CM_SP_A_IM] = cimag(sp[0]);
  row[CM_SP_B_RE] = creal(sp[1]);
  row[CM_SP_B_IM] = cimag(sp[1]);
  return EXIT_OK;
}

static int qubit_side(const cli_context *ctx, const double *tv, const double rates[4],
                      double *row)
{
  const qs_model_type *qt = qs_model_type_find("qubit_osc");
  double v[QS_MODEL_MAX_PARAMS];
  qs_model_defaults(qt, v);
  const char *keys[] = {"spin", "w_A", "gamma_A", "w_B", "gamma_B", "g", "eps", "delta_d",
                        "delta_q", "gamma_phi"};
  double vals[] = {0.5, rates[0], rates[1], rates[2], rates[3],
                   2.0 * TWO_PI * param(ctx, tv, "g") / 1000.0,
                   2.0 * TWO_PI * param(ctx, tv, "eps") / 1000.0,
                   -TWO_PI * param(ctx, tv, "detuning_d") / 1000.0,
                   TWO_PI * (param(ctx, tv, "f_qB") - param(ctx, tv, "f_qA")),
                   0.5 * TWO_PI * param(ctx, tv, "gamma_phi_A") / 1000.0};
  for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++)
    v[qs_model_param_index(qt, keys[k])] = vals[k];
  qs_steady_point pt;
  char msg[512] = "";
  qs_status st = qs_steady_point_eval(qt, v, QS_STEADY_DENSE, &pt, NULL, msg, sizeof msg);
  if (st != QS_OK) {
    cli_error("%s: qubit model at g = %g kHz failed: %s%s%s", ctx->cfg.path,
              param(ctx, tv, "g"), qs_strerror(st), msg[0] ? ": " : "", msg);
    return EXIT_RUNTIME;
  }
  row[CM_SP_A_QUBIT] = cabs(pt.obs[0]); /* qubit_osc observables: Sp_A, Sp_B, ... */
  row[CM_SP_B_QUBIT] = cabs(pt.obs[1]);
  row[CM_OMEGA_QUBIT] = pt.omega;
  return EXIT_OK;
}

static int write_compare(const cli_context *ctx, const qs_model *model, const compare_result *r,
                         long n)
{
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
  qs_table tables[2] = {{"summary", 1 + CM_N, names, n, r->rows, units},
                        {"rates", 6, rnames, 1, rrow, runits}};
  qs_output out = {.command = "compare-model", .cfg = &ctx->cfg, .model = model,
                   .n_tables = 2, .tables = tables};
  char msg[1024];
  if (qs_output_write(ctx->out_dir, &out, msg, sizeof msg) != QS_OK) {
    cli_error("%s", msg);
    return EXIT_RUNTIME;
  }
  if (!ctx->quiet)
    printf("results: %s/run.h5, %s/summary.tsv, %s/rates.tsv\n", ctx->out_dir, ctx->out_dir,
           ctx->out_dir);
  return EXIT_OK;
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

int cli_compare_model(cli_context *ctx)
{
  int rc = check_input(ctx);
  if (rc != EXIT_OK)
    return rc;
  long n = cli_sweep_points(&ctx->cfg);
  cli_mesolve_pt *pts = calloc((size_t)(2 * n), sizeof *pts);
  double *times = cli_output_times(ctx->cfg.me_t_end, ctx->cfg.me_n_times);
  compare_result res = {{0}, calloc((size_t)n * (1 + CM_N), sizeof(double))};
  if (!pts || !times || !res.rows) {
    cli_error("out of memory");
    rc = EXIT_RUNTIME;
  }
  if (rc == EXIT_OK)
    rc = build_points(ctx, pts, n);
  if (rc == EXIT_OK)
    rc = fit_rates(ctx, res.rates);
  if (rc == EXIT_OK)
    rc = cli_mesolve_integrate(ctx, pts, 2 * n, times);
  for (long p = 0; p < n && rc == EXIT_OK; p++) {
    double *row = res.rows + p * (1 + CM_N);
    row[0] = param(ctx, pts[p].values, "g");
    rc = transmon_side(ctx, &pts[p], &pts[n + p], row + 1);
    if (rc == EXIT_OK)
      rc = qubit_side(ctx, pts[p].values, res.rates, row + 1);
  }
  if (rc == EXIT_OK && !ctx->quiet)
    print_rows(&res, n);
  if (rc == EXIT_OK)
    rc = write_compare(ctx, pts[0].model, &res, n);
  for (long p = 0; pts && p < 2 * n; p++)
    cli_mesolve_point_free(&pts[p]);
  free(pts);
  free(times);
  free(res.rows);
  return rc;
}
