/* The spectrum command: the steady-state emission spectrum of one of the
 * model's operators by the quantum-regression theorem (spectrum.h):
 * spectrum.tsv (omega, S_inc), summary.tsv (the coherent weight, the
 * weights and the peak), run.h5 (also the steady state). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The input checks that need the model: the grid, a time-independent
 * model, the operator among its observables.  Prints the error. */
static int check_input(const cli_context *ctx, const qs_model *m, int *obs)
{
  const qs_runconfig *cfg = &ctx->cfg;
  if (qs_sweep_active(&cfg->sweep[0]) || qs_sweep_active(&cfg->sweep[1])) {
    cli_error("%s: [sweep]: qsync spectrum computes one parameter point; expected no "
              "[sweep] (run it once per point)", cfg->path);
    return EXIT_BAD_INPUT;
  }
  if (!(cfg->spectrum_omega_min < cfg->spectrum_omega_max)) {
    cli_error("%s: [spectrum] omega_min = %g, omega_max = %g: expected omega_min < omega_max",
              cfg->path, cfg->spectrum_omega_min, cfg->spectrum_omega_max);
    return EXIT_BAD_INPUT;
  }
  if (m->n_td > 0) {
    cli_error("%s: [model]: the emission spectrum needs a time-independent model (%d "
              "time-dependent terms; cavity_qubits: frame = rwa)", cfg->path, m->n_td);
    return EXIT_BAD_INPUT;
  }
  *obs = qs_model_obs_index(m, cfg->spectrum_operator);
  if (*obs < 0) {
    char list[1024] = "";
    size_t len = 0;
    for (int k = 0; k < m->n_obs && len + QS_MODEL_MAX_NAME + 2 < sizeof list; k++)
      len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", k ? ", " : "",
                              m->obs_names[k]);
    cli_error("%s: [spectrum] operator = '%s': expected an observable of model %s (%s)",
              cfg->path, cfg->spectrum_operator, cfg->model_type->name, list);
    return EXIT_BAD_INPUT;
  }
  return EXIT_OK;
}

/* The resolvent holds one sparse LU of the N^2 x N^2 system per thread
 * (qs_steady_memory_estimate's SPARSE_LU figure: the same pattern plus
 * the diagonal); refuse before any work when that exceeds --max-memory
 * (default: qs_resources_default_memory_limit).  The fft route keeps
 * O(N^2) (CVODE's vectors) and is not checked. */
static int check_memory(const cli_context *ctx, const qs_model *m)
{
  const qs_runconfig *cfg = &ctx->cfg;
  if (cfg->spectrum_method != QS_SPECTRUM_RESOLVENT)
    return EXIT_OK;
  double need = qs_steady_memory_estimate(m, QS_STEADY_SPARSE_LU) * (double)cfg->threads;
  double limit = ctx->max_memory > 0.0 ? ctx->max_memory : qs_resources_default_memory_limit();
  if (need <= limit)
    return EXIT_OK;
  char a[32], b[32];
  qs_resources_format_bytes(need, a, sizeof a);
  qs_resources_format_bytes(limit, b, sizeof b);
  cli_error("%s: [spectrum] method = resolvent needs about %s (%ld thread(s), each a sparse "
            "LU of the %lld x %lld Liouvillian), above the memory limit %s: use method = fft, "
            "fewer [run] threads, a smaller [model], or raise --max-memory",
            cfg->path, a, cfg->threads, (long long)(m->space.total * m->space.total),
            (long long)(m->space.total * m->space.total), b);
  return EXIT_BAD_INPUT;
}

/* What the summary reports besides S_inc. */
typedef struct {
  double complex mean;       /* <A> */
  double total;              /* <A^dag A> */
  double grid_weight;        /* int S_inc domega / 2 pi over the grid (trapezoid) */
  double peak_omega, peak_S;
  double residual;           /* of the steady state */
} spectrum_summary;

static void summarize(const double *om, const double *S, long n, const qs_op *A,
                      const double complex *rho, spectrum_summary *s)
{
  qs_op *Adag = NULL, *AdA = NULL;
  s->total = NAN;
  if (qs_op_adjoint(A, &Adag) == QS_OK && qs_op_mul(Adag, A, &AdA) == QS_OK)
    s->total = creal(qs_op_trace_with(AdA, rho));
  qs_op_destroy(&Adag);
  qs_op_destroy(&AdA);
  s->grid_weight = 0.0;
  s->peak_omega = om[0];
  s->peak_S = S[0];
  for (long i = 0; i < n; i++) {
    if (i > 0)
      s->grid_weight += 0.5 * (S[i] + S[i - 1]) * (om[i] - om[i - 1]);
    if (S[i] > s->peak_S) {
      s->peak_S = S[i];
      s->peak_omega = om[i];
    }
  }
  s->grid_weight /= 2.0 * acos(-1.0);
}

static void print_summary(const cli_context *ctx, const qs_spectrum_options *o,
                          const spectrum_summary *s, const char *unit)
{
  const qs_runconfig *cfg = &ctx->cfg;
  double coherent = creal(s->mean * conj(s->mean)), inc = s->total - coherent;
  printf("emission spectrum of A = %s%s, model %s, %s, %ld frequencies on [%g, %g] %s\n",
         cfg->spectrum_operator, cfg->spectrum_adjoint ? "^dag" : "", cfg->model_type->name,
         qs_spectrum_method_name(o->method), cfg->spectrum_n_omega, cfg->spectrum_omega_min,
         cfg->spectrum_omega_max, unit);
  printf("  steady state residual %.2e\n", s->residual);
  printf("  <A> = %.10g %+.10gi\n", creal(s->mean), cimag(s->mean));
  printf("  coherent weight |<A>|^2 = %.10g (the delta 2 pi |<A>|^2 delta(omega))\n", coherent);
  printf("  incoherent weight <A^dag A> - |<A>|^2 = %.10g; on the grid int S_inc domega/2pi = "
         "%.10g (%.2f%%)\n",
         inc, s->grid_weight, inc > 0.0 ? 100.0 * s->grid_weight / inc : NAN);
  printf("  peak S_inc = %.8g 1/%s at omega = %.8g %s\n", s->peak_S, unit, s->peak_omega, unit);
}

static int write_spectrum(const cli_context *ctx, const qs_model *m, const double *om,
                          const double *S, long n, const spectrum_summary *s,
                          const double complex *rho, const double complex *obs,
                          const char *unit)
{
  char inv_unit[64];
  snprintf(inv_unit, sizeof inv_unit, "1/%s", unit);
  double *rows = malloc(2 * (size_t)n * sizeof *rows);
  if (!rows) {
    cli_error("out of memory for the %ld-row spectrum table", n);
    return EXIT_RUNTIME;
  }
  for (long i = 0; i < n; i++) {
    rows[2 * i] = om[i];
    rows[2 * i + 1] = S[i];
  }
  static const char *const spec_cols[] = {"omega", "S_inc"};
  const char *spec_units[] = {unit, inv_unit};
  static const char *const sum_cols[] = {"A.re", "A.im", "coherent_weight", "AdagA",
                                         "incoherent_weight", "grid_weight", "peak_omega",
                                         "peak_S_inc", "steady_residual"};
  const char *sum_units[] = {"1", "1", "1", "1", "1", "1", unit, inv_unit, "1"};
  double coherent = creal(s->mean * conj(s->mean));
  double sum_row[] = {creal(s->mean), cimag(s->mean), coherent, s->total,
                      s->total - coherent, s->grid_weight, s->peak_omega, s->peak_S,
                      s->residual};
  qs_table tables[2] = {{"spectrum", 2, spec_cols, n, rows, spec_units},
                        {"summary", 9, sum_cols, 1, sum_row, sum_units}};
  qs_output single = {.exact_obs = obs, .exact_rho = rho, .exact_residual = s->residual};
  int rc = cli_write_tables(ctx, "spectrum", m, tables, 2, &single);
  free(rows);
  return rc;
}

/* Steady state, spectrum, summary, output: everything after the checks. */
static int compute(cli_context *ctx, const qs_model *m, const qs_op *A)
{
  const qs_runconfig *cfg = &ctx->cfg;
  qs_index N = m->space.total;
  long n = cfg->spectrum_n_omega;
  double complex *rho = malloc((size_t)(N * N) * sizeof *rho);
  double complex *obs = malloc((size_t)(m->n_obs > 0 ? m->n_obs : 1) * sizeof *obs);
  double *om = malloc(2 * (size_t)n * sizeof *om), *S = om ? om + n : NULL;
  int rc = EXIT_RUNTIME;
  char msg[1024] = "";
  if (!rho || !obs || !om) {
    cli_error("%s: out of memory (N = %lld, %ld frequencies)", cfg->path, (long long)N, n);
    goto done;
  }
  qs_steady_options so = qs_runfile_steady_options(cfg);
  so.memory_limit = ctx->max_memory;
  qs_steady_info info;
  qs_status st = qs_steady_state_ex(m, &so, rho, &info, msg, sizeof msg);
  if (st != QS_OK) {
    cli_error("%s: steady state failed: %s: %s", cfg->path, qs_strerror(st), msg);
    rc = st == QS_ERR_TOO_LARGE || st == QS_ERR_INVALID ? EXIT_BAD_INPUT : EXIT_RUNTIME;
    goto done;
  }
  for (int k = 0; k < m->n_obs; k++)
    obs[k] = qs_op_trace_with(m->obs[k], rho);
  /* a truncated cavity: its top level's population ([checks], --strict) */
  qs_truncation trunc = qs_truncation_start(cfg->truncation_tol);
  if (m->cavity_top_obs >= 0)
    qs_truncation_note(&trunc, m, creal(obs[m->cavity_top_obs]), 0);
  if (cli_truncation_report(ctx, &trunc))
    goto done;
  for (long i = 0; i < n; i++)
    om[i] = cfg->spectrum_omega_min +
            (cfg->spectrum_omega_max - cfg->spectrum_omega_min) * (double)i / (double)(n - 1);
  qs_spectrum_options o = qs_runfile_spectrum_options(cfg);
  spectrum_summary s = {.residual = info.residual};
  st = qs_emission_spectrum(m, A, rho, om, n, &o, S, &s.mean, msg, sizeof msg);
  if (st != QS_OK) {
    cli_error("%s: spectrum failed: %s: %s", cfg->path, qs_strerror(st), msg);
    rc = st == QS_ERR_INVALID ? EXIT_BAD_INPUT : EXIT_RUNTIME;
    goto done;
  }
  summarize(om, S, n, A, rho, &s);
  const char *unit = cli_rate_unit(cfg->model_type);
  if (!ctx->quiet)
    print_summary(ctx, &o, &s, unit);
  rc = write_spectrum(ctx, m, om, S, n, &s, rho, obs, unit);
done:
  free(rho);
  free(obs);
  free(om);
  return rc;
}

int cli_spectrum(cli_context *ctx)
{
  qs_model *m = cli_build_model(ctx, NULL);
  if (!m)
    return EXIT_BAD_INPUT;
  int obs = -1;
  int rc = check_input(ctx, m, &obs);
  if (rc == EXIT_OK)
    rc = check_memory(ctx, m);
  qs_op *A = NULL;
  if (rc == EXIT_OK &&
      (ctx->cfg.spectrum_adjoint ? qs_op_adjoint(m->obs[obs], &A) : qs_op_copy(m->obs[obs], &A)) !=
          QS_OK) {
    cli_error("%s: out of memory for the operator", ctx->cfg.path);
    rc = EXIT_RUNTIME;
  }
  if (rc == EXIT_OK)
    rc = compute(ctx, m, A);
  qs_op_destroy(&A);
  qs_model_destroy(&m);
  return rc;
}
