/* The jumps command: long quantum trajectories of a bistable model as
 * signals (signals.h), streamed to run.h5, then the switching statistics
 * of the first signal.  One row per [sweep] point in summary.tsv. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "qsync/signals.h"

/* The records are streamed into a scratch file of the (locked) output
 * directory (removed at the end, also on a signal) and copied into run.h5. */
#define RECORDS_NAME "jumps-records.h5"
#define MAX_COLS 256
#define MAX_PRINTED_POINTS 10

/* ---- tables ---------------------------------------------------------------- */

typedef struct {
  int n_cols;
  char names[MAX_COLS][48];
  const char *name_ptr[MAX_COLS];
  long n_rows, cap;
  double *data;
} jtable;

static void jt_col(jtable *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void jt_col(jtable *t, const char *fmt, ...)
{
  if (t->n_cols == MAX_COLS)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t->names[t->n_cols], sizeof t->names[0], fmt, ap);
  va_end(ap);
  t->name_ptr[t->n_cols] = t->names[t->n_cols];
  t->n_cols++;
}

/* A new row of NaNs (NULL when out of memory). */
static double *jt_row(jtable *t)
{
  if (t->n_rows == t->cap) {
    long cap = t->cap ? 2 * t->cap : 64;
    double *d = realloc(t->data, (size_t)(cap * t->n_cols) * sizeof *d);
    if (!d)
      return NULL;
    t->data = d;
    t->cap = cap;
  }
  double *row = t->data + t->n_rows++ * t->n_cols;
  for (int c = 0; c < t->n_cols; c++)
    row[c] = NAN;
  return row;
}

static qs_table jt_table(const jtable *t, const char *name)
{
  return (qs_table){name, t->n_cols, t->name_ptr, t->n_rows, t->data, NULL};
}

/* Sweep columns first in every table. */
static void sweep_cols(jtable *t, const qs_runconfig *cfg)
{
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      jt_col(t, "%s", cfg->sweep[a].key);
}

static double *sweep_row(jtable *t, const qs_runconfig *cfg, const double sweep_x[2])
{
  double *row = jt_row(t);
  if (!row)
    return NULL;
  for (int a = 0; a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      *row++ = sweep_x[a];
  return row;
}

/* ---- the run-file's signals ------------------------------------------------ */

/* [jumps] signals as observable indices of `model`; an error naming the
 * key and the model's observables when one is missing. */
static int parse_signals(const cli_context *ctx, const qs_model *model, qs_signals_options *o)
{
  char list[QS_RUNFILE_MAX_NAMES];
  snprintf(list, sizeof list, "%s", ctx->cfg.jumps_signals);
  o->n_signals = 0;
  for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    int index = -1;
    if (qs_model_require_obs(model, tok, &index, NULL, 0) != QS_OK) {
      char names[2048] = "";
      for (int k = 0; k < model->n_obs; k++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "",
                 model->obs_names[k]);
      cli_error("%s: [jumps] signals: '%s' is not an observable of model %s (expected some "
                "of: %s)", ctx->cfg.path, tok, model->type->name, names);
      return EXIT_BAD_INPUT;
    }
    o->obs[o->n_signals++] = index;
  }
  return EXIT_OK;
}

/* The library's signal options from [jumps] and [run]. */
static qs_signals_options signal_options(const cli_context *ctx, const qs_model *model)
{
  const qs_runconfig *cfg = &ctx->cfg;
  qs_signals_options o = qs_signals_default_options();
  o.burn_in = cfg->jumps_burn_in;
  o.t_end = cfg->jumps_t_end;
  o.dt = cfg->jumps_dt;
  o.chunk = cfg->jumps_chunk;
  o.photon = cfg->jumps_photon && qs_model_photon_levels(model) > 0;
  o.photon_batches = (int)cfg->jumps_batches;
  o.traj = qs_runfile_traj_options(cfg);
  return o;
}

/* ---- one point: the trajectories ------------------------------------------- */

/* What one trajectory leaves for the reduction (in index order). */
typedef struct {
  long n_jumps;
  double sig_sum[QS_SIGNALS_MAX], sig_sq[QS_SIGNALS_MAX]; /* over its batch means */
  double *photon;   /* 4 levels: sum and square sum over batches of P+, then of P- */
  qs_traj_stats work;
  char msg[256];
} traj_slot;

typedef struct {
  const qs_model *model;
  qs_signals_options opt;
  uint64_t seed;
  long n_samples;
  int batches;
  qs_index levels;
  qs_signals **workers;
  double *scratch;        /* per worker: batches x n_signals sums */
  double *photon_tmp;     /* per worker: 2 levels */
  qs_signals_file *file;
  traj_slot *slots;
} point_work;

typedef struct {
  point_work *w;
  double *sums;           /* the worker's batches x n_signals */
  traj_slot *slot;
} sink_data;

/* Batch of sample k: equal batches, the remainder in the last (as the
 * photon batches of signals.h). */
static int batch_of(const point_work *w, long k)
{
  long per = w->n_samples / w->batches;
  long b = k / per;
  return b >= w->batches ? w->batches - 1 : (int)b;
}

static long batch_size(const point_work *w, int b)
{
  long per = w->n_samples / w->batches;
  return b + 1 < w->batches ? per : w->n_samples - per * (w->batches - 1);
}

/* Stream the chunk to the records file and add it to the batch sums. */
static qs_status record_sink(const qs_signals_chunk *c, void *data)
{
  sink_data *d = data;
  int S = c->n_signals;
  for (long r = 0; r < c->n_samples; r++) {
    double *sum = d->sums + batch_of(d->w, c->first_sample + r) * S;
    for (int s = 0; s < S; s++)
      sum[s] += c->values[r * S + s];
  }
  d->slot->n_jumps += c->n_jumps;
  return qs_signals_file_write(c, d->w->file);
}

static qs_status trajectory_task(long i, int worker, void *data)
{
  point_work *w = data;
  traj_slot *slot = &w->slots[i];
  const int S = w->opt.n_signals, B = w->batches;
  sink_data d = {w, w->scratch + (size_t)worker * (size_t)(B * S), slot};
  memset(d.sums, 0, (size_t)(B * S) * sizeof *d.sums);
  qs_signals *sig = w->workers[worker];
  qs_status st = qs_signals_run(sig, w->seed, i, record_sink, &d, slot->msg, sizeof slot->msg);
  if (st != QS_OK)
    return st;
  qs_signals_get_stats(sig, &slot->work);
  for (int b = 0; b < B; b++)
    for (int s = 0; s < S; s++) {
      double m = d.sums[b * S + s] / (double)batch_size(w, b);
      slot->sig_sum[s] += m;
      slot->sig_sq[s] += m * m;
    }
  if (!w->opt.photon)
    return QS_OK;
  qs_index L = w->levels;
  double *up = w->photon_tmp + (size_t)worker * (size_t)(2 * L), *down = up + L;
  for (int b = 0; b < B && st == QS_OK; b++) {
    st = qs_signals_photon(sig, b, up, down);
    for (qs_index n = 0; n < L && st == QS_OK; n++) {
      slot->photon[n] += up[n];
      slot->photon[L + n] += up[n] * up[n];
      slot->photon[2 * L + n] += down[n];
      slot->photon[3 * L + n] += down[n] * down[n];
    }
  }
  return st;
}

static void work_free(point_work *w, int workers)
{
  for (int k = 0; w->workers && k < workers; k++)
    qs_signals_destroy(&w->workers[k]);
  free(w->workers);
  free(w->scratch);
  free(w->photon_tmp);
  if (w->slots)
    free(w->slots[0].photon);
  free(w->slots);
}

static int work_alloc(const cli_context *ctx, point_work *w, long ntraj, int workers)
{
  const int S = w->opt.n_signals, B = w->batches;
  w->levels = w->opt.photon ? qs_model_photon_levels(w->model) : 0;
  w->workers = calloc((size_t)workers, sizeof *w->workers);
  w->scratch = calloc((size_t)(workers * B * S), sizeof *w->scratch);
  w->photon_tmp = calloc((size_t)workers * (size_t)(2 * w->levels + 1), sizeof *w->photon_tmp);
  w->slots = calloc((size_t)ntraj, sizeof *w->slots);
  double *photon = w->slots ? calloc((size_t)ntraj * (size_t)(4 * w->levels + 1),
                                     sizeof *photon)
                            : NULL;
  if (!w->workers || !w->scratch || !w->photon_tmp || !w->slots || !photon) {
    free(photon);
    cli_error("%s: out of memory for %ld trajectories", ctx->cfg.path, ntraj);
    return EXIT_RUNTIME;
  }
  for (long i = 0; i < ntraj; i++)
    w->slots[i].photon = photon + i * (4 * w->levels + 1);
  char msg[512] = "";
  for (int k = 0; k < workers; k++) {
    qs_status st = qs_signals_create(w->model, &w->opt, &w->workers[k], msg, sizeof msg);
    if (st != QS_OK) {
      cli_error("%s: [jumps]: %s", ctx->cfg.path, msg);
      return st == QS_ERR_INVALID ? EXIT_BAD_INPUT : EXIT_RUNTIME;
    }
  }
  return EXIT_OK;
}

/* ---- one point: the results ------------------------------------------------ */

/* Pooled batch means over all trajectories: mean and standard error of
 * n values whose sum and square sum are given. */
static void pooled(double sum, double sq, long n, double *mean, double *se)
{
  *mean = sum / (double)n;
  double var = n > 1 ? (sq - (double)n * *mean * *mean) / (double)(n - 1) : NAN;
  *se = sqrt(fmax(var, 0.0) / (double)n);
}

typedef struct {
  const cli_context *ctx;
  jtable summary, photon, trajectories;
  int n_signals;
  char signal_names[QS_SIGNALS_MAX][QS_MODEL_MAX_NAME];
  int photon_on;
  long points;
} jumps_run;

static void layout_tables(jumps_run *r, const qs_model *model, const qs_signals_options *o)
{
  const qs_runconfig *cfg = &r->ctx->cfg;
  r->n_signals = o->n_signals;
  for (int s = 0; s < o->n_signals; s++)
    snprintf(r->signal_names[s], sizeof r->signal_names[s], "%s", model->obs_names[o->obs[s]]);
  jtable *t = &r->summary;
  sweep_cols(t, cfg);
  const char *cols[] = {"rate_12", "rate_21", "rate_sum", "rate_sum_se", "gap",
                        "psd_width", "psd_width_se", "p_state1", "p_state1_se",
                        "p_state1_exact", "n_switches", "ntraj", "n_samples", "t_record",
                        "n_jumps", "jump_rate"};
  for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
    jt_col(t, "%s", cols[c]);
  for (int s = 0; s < o->n_signals; s++) {
    jt_col(t, "%s", r->signal_names[s]);
    jt_col(t, "%s_se", r->signal_names[s]);
    jt_col(t, "%s_exact", r->signal_names[s]);
    jt_col(t, "%s_z", r->signal_names[s]);
  }
  t = &r->trajectories;
  sweep_cols(t, cfg);
  jt_col(t, "trajectory");
  jt_col(t, "n_jumps");
  jt_col(t, "steps");
  jt_col(t, "%s", r->signal_names[0]);
  jt_col(t, "%s_se", r->signal_names[0]);
  r->photon_on = o->photon;
  if (r->photon_on) {
    t = &r->photon;
    sweep_cols(t, cfg);
    const char *pc[] = {"n", "P_up", "P_up_se", "P_up_exact", "z_up",
                        "P_down", "P_down_se", "P_down_exact", "z_down"};
    for (size_t c = 0; c < sizeof pc / sizeof pc[0]; c++)
      jt_col(t, "%s", pc[c]);
  }
}

static double z_of(double value, double se, double exact)
{
  return se > 0.0 ? (value - exact) / se : NAN;
}

/* The exact steady state of the point ([steady] options). */
static int exact_state(const cli_context *ctx, const qs_model *model, double complex *rho)
{
  qs_steady_options opt = qs_runfile_steady_options(&ctx->cfg);
  qs_steady_info info;
  char msg[512] = "";
  qs_status st = qs_steady_state_ex(model, &opt, rho, &info, msg, sizeof msg);
  if (st != QS_OK) {
    cli_error("%s: exact steady state failed: %s%s%s", ctx->cfg.path, qs_strerror(st),
              msg[0] ? ": " : "", msg);
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

static int photon_rows(jumps_run *r, const point_work *w, long ntraj, const double sweep_x[2],
                       const double complex *rho)
{
  qs_index L = w->levels;
  double *exact = calloc((size_t)(2 * L), sizeof *exact);
  if (!exact || qs_model_photon_distribution(w->model, rho, exact, exact + L) != QS_OK) {
    free(exact);
    cli_error("%s: exact photon distributions failed", r->ctx->cfg.path);
    return EXIT_RUNTIME;
  }
  long n = ntraj * w->batches;
  for (qs_index k = 0; k < L; k++) {
    double sum[4] = {0};
    for (long i = 0; i < ntraj; i++)
      for (int a = 0; a < 4; a++)
        sum[a] += w->slots[i].photon[a * L + k];
    double *row = sweep_row(&r->photon, &r->ctx->cfg, sweep_x);
    if (!row)
      break;
    double m, se;
    row[0] = (double)k;
    pooled(sum[0], sum[1], n, &m, &se);
    row[1] = m, row[2] = se, row[3] = exact[k], row[4] = z_of(m, se, exact[k]);
    pooled(sum[2], sum[3], n, &m, &se);
    row[5] = m, row[6] = se, row[7] = exact[L + k], row[8] = z_of(m, se, exact[L + k]);
  }
  free(exact);
  return EXIT_OK;
}

static int point_results(jumps_run *r, const point_work *w, long ntraj, const double sweep_x[2])
{
  const cli_context *ctx = r->ctx;
  const qs_model *m = w->model;
  const int S = w->opt.n_signals;
  size_t dim = (size_t)m->space.total;
  double complex *rho = malloc(dim * dim * sizeof *rho);
  int rc = rho ? exact_state(ctx, m, rho) : EXIT_RUNTIME;
  if (rc == EXIT_OK && r->photon_on)
    rc = photon_rows(r, w, ntraj, sweep_x, rho);
  double *row = rc == EXIT_OK ? sweep_row(&r->summary, &ctx->cfg, sweep_x) : NULL;
  if (rc == EXIT_OK && !row)
    rc = EXIT_RUNTIME;
  if (rc != EXIT_OK) {
    free(rho);
    return rc;
  }
  long jumps = 0;
  double sum[QS_SIGNALS_MAX] = {0}, sq[QS_SIGNALS_MAX] = {0};
  for (long i = 0; i < ntraj; i++) {
    jumps += w->slots[i].n_jumps;
    for (int s = 0; s < S; s++) {
      sum[s] += w->slots[i].sig_sum[s];
      sq[s] += w->slots[i].sig_sq[s];
    }
    double *tr = sweep_row(&r->trajectories, &ctx->cfg, sweep_x);
    if (tr) {
      tr[0] = (double)i;
      tr[1] = (double)w->slots[i].n_jumps;
      tr[2] = (double)w->slots[i].work.steps;
      pooled(w->slots[i].sig_sum[0], w->slots[i].sig_sq[0], w->batches, &tr[3], &tr[4]);
    }
  }
  double t_record = (double)(w->n_samples - 1) * w->opt.dt;
  /* columns after rate_12 .. p_state1_exact, n_switches (analysis) */
  double *c = row + 11;
  c[0] = (double)ntraj;
  c[1] = (double)w->n_samples;
  c[2] = t_record;
  c[3] = (double)jumps;
  c[4] = t_record > 0 ? (double)jumps / ((double)ntraj * t_record) : NAN;
  c += 5;
  for (int s = 0; s < S; s++) {
    double mean, se;
    pooled(sum[s], sq[s], ntraj * w->batches, &mean, &se);
    double exact = creal(qs_op_trace_with(m->obs[w->opt.obs[s]], rho));
    c[4 * s] = mean, c[4 * s + 1] = se, c[4 * s + 2] = exact;
    c[4 * s + 3] = z_of(mean, se, exact);
  }
  free(rho);
  return EXIT_OK;
}

/* ---- one point -------------------------------------------------------------- */

static int run_point(jumps_run *r, long p, const char *records)
{
  const cli_context *ctx = r->ctx;
  const qs_runconfig *cfg = &ctx->cfg;
  double values[QS_MODEL_MAX_PARAMS], sweep_x[2] = {0, 0};
  cli_sweep_point_values(cfg, p, values, sweep_x);
  char where[128] = "";
  cli_describe_point(cfg, sweep_x, where, sizeof where);
  qs_model *model = cli_build_model(ctx, values);
  if (!model)
    return EXIT_BAD_INPUT;
  point_work w = {.model = model, .opt = signal_options(ctx, model), .seed = cfg->seed,
                  .batches = (int)cfg->jumps_batches};
  int rc = parse_signals(ctx, model, &w.opt);
  w.n_samples = qs_signals_sample_count(&w.opt);
  if (p == 0 && rc == EXIT_OK)
    layout_tables(r, model, &w.opt);
  qs_farm_options farm = qs_farm_default_options();
  farm.threads = (int)cfg->threads;
  int workers = qs_farm_workers(&farm);
  long ntraj = cfg->jumps_ntraj;
  if (rc == EXIT_OK)
    rc = work_alloc(ctx, &w, ntraj, workers);
  char group[64], msg[1024] = "";
  snprintf(group, sizeof group, r->points > 1 ? "signals/point_%04ld" : "signals", p);
  qs_status st = QS_OK;
  if (rc == EXIT_OK) {
    st = qs_signals_file_create(records, group, model, &w.opt, ntraj, cfg->seed, &w.file, msg,
                                sizeof msg);
    if (st != QS_OK) {
      cli_error("%s", msg);
      rc = EXIT_RUNTIME;
    }
  }
  if (rc == EXIT_OK) {
    cli_progress progress;
    char label[160];
    snprintf(label, sizeof label, "trajectories%s%s", where[0] ? " " : "", where);
    cli_progress_init(&progress, ctx->quiet, label);
    farm.progress = cli_progress_update;
    farm.progress_data = &progress;
    long failed = -1;
    st = qs_farm_run(ntraj, trajectory_task, &w, &farm, &failed);
    cli_progress_finish(&progress);
    if (st != QS_OK) {
      cli_error("%s: jumps%s%s: trajectory %ld failed: %s%s%s", cfg->path, where[0] ? " " : "",
                where, failed, qs_strerror(st), failed >= 0 && w.slots[failed].msg[0] ? ": " : "",
                failed >= 0 ? w.slots[failed].msg : "");
      rc = EXIT_RUNTIME;
    }
  }
  if (rc == EXIT_OK)
    rc = point_results(r, &w, ntraj, sweep_x);
  if (qs_signals_file_close(&w.file) != QS_OK && rc == EXIT_OK) {
    cli_error("%s: writing the trajectory records failed", records);
    rc = EXIT_RUNTIME;
  }
  work_free(&w, workers);
  qs_model_destroy(&model);
  return rc;
}

/* Every point's model builds, its signals exist and the batches fit the
 * record: input errors before any work. */
static int check_points(const cli_context *ctx, long n_points)
{
  const qs_runconfig *cfg = &ctx->cfg;
  for (long p = 0; p < n_points; p++) {
    double values[QS_MODEL_MAX_PARAMS], sweep_x[2];
    cli_sweep_point_values(cfg, p, values, sweep_x);
    qs_model *m = cli_build_model(ctx, values);
    if (!m)
      return EXIT_BAD_INPUT;
    qs_signals_options o = signal_options(ctx, m);
    int rc = parse_signals(ctx, m, &o);
    long n = qs_signals_sample_count(&o);
    if (rc == EXIT_OK && n < 2 * cfg->jumps_batches) {
      cli_error("%s: [jumps] batches = %ld: the record has only %ld samples (t_end / dt + 1); "
                "expected at least 2 samples per batch", cfg->path, cfg->jumps_batches, n);
      rc = EXIT_BAD_INPUT;
    }
    qs_model_destroy(&m);
    if (rc != EXIT_OK)
      return rc;
  }
  return EXIT_OK;
}

static void print_summary(const jumps_run *r)
{
  const jtable *t = &r->summary;
  for (long p = 0; p < t->n_rows && p < MAX_PRINTED_POINTS; p++) {
    const double *row = t->data + p * t->n_cols;
    for (int c = 0; c < t->n_cols; c++)
      printf("%s%s = %.6g", c ? ", " : "", t->names[c], row[c]);
    printf("\n");
  }
}

int cli_jumps(cli_context *ctx)
{
  const qs_runconfig *cfg = &ctx->cfg;
  long n_points = cli_sweep_points(cfg);
  int rc = check_points(ctx, n_points);
  if (rc != EXIT_OK)
    return rc;
  char records[QS_RUNFILE_MAX_PATH + 64], msg[1024];
  int fd = qs_outdir_scratch(RECORDS_NAME, records, sizeof records, msg, sizeof msg);
  if (fd < 0) {
    cli_error("%s", msg);
    return EXIT_RUNTIME;
  }
  close(fd); /* HDF5 opens it by name (an empty file: created as HDF5) */
  jumps_run r = {.ctx = ctx, .points = n_points};
  for (long p = 0; p < n_points && rc == EXIT_OK; p++)
    rc = run_point(&r, p, records);
  if (rc == EXIT_OK && !ctx->quiet)
    print_summary(&r);
  if (rc == EXIT_OK) {
    qs_table tables[3] = {jt_table(&r.summary, "summary"),
                          jt_table(&r.trajectories, "trajectories"),
                          jt_table(&r.photon, "photon")};
    qs_model *model = cli_build_model(ctx, NULL);
    qs_output single = {.h5_include = records};
    rc = model ? cli_write_tables(ctx, "jumps", model, tables, r.photon_on ? 3 : 2, &single)
               : EXIT_BAD_INPUT;
    qs_model_destroy(&model);
  }
  free(r.summary.data);
  free(r.photon.data);
  free(r.trajectories.data);
  return rc;
}
