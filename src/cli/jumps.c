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
#include "qsync/spectrum.h"

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

/* A new row with the sweep values in front (the whole row: columns are
 * set by name). */
static double *sweep_row(jtable *t, const qs_runconfig *cfg, const double sweep_x[2])
{
  double *row = jt_row(t);
  int c = 0;
  for (int a = 0; row && a < 2; a++)
    if (qs_sweep_active(&cfg->sweep[a]))
      row[c++] = sweep_x[a];
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
  qs_farm_bytes record; /* distributed, on a rank > 0: its chunks for rank 0 */
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
  qs_signals_file *file;  /* NULL on a rank > 0 of a distributed run */
  traj_slot *slots;
  long ntraj;
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

/* ---- a distributed run: records and slots on their way to rank 0 ----------- */

/* A chunk's header; its values, jump times and channels follow it. */
typedef struct {
  long first_sample, n_samples, first_jump, n_jumps;
  int n_signals, last;
} chunk_head;

/* A rank > 0 has no records file: the chunks wait in the slot. */
static qs_status keep_chunk(const qs_signals_chunk *c, qs_farm_bytes *b)
{
  chunk_head h = {c->first_sample, c->n_samples, c->first_jump, c->n_jumps, c->n_signals,
                  c->last};
  qs_farm_put(b, &h, sizeof h);
  qs_farm_put(b, c->values, (size_t)(c->n_samples * c->n_signals) * sizeof *c->values);
  qs_farm_put(b, c->jump_time, (size_t)c->n_jumps * sizeof *c->jump_time);
  qs_farm_put(b, c->jump_channel, (size_t)c->n_jumps * sizeof *c->jump_channel);
  return b->st;
}

/* Rank 0: the kept chunks of trajectory i from b into the records file. */
static qs_status write_kept_chunks(qs_farm_bytes *b, long i, qs_signals_file *file)
{
  qs_status st = QS_OK;
  while (st == QS_OK && b->st == QS_OK && b->pos < b->len) {
    chunk_head h;
    qs_farm_get(b, &h, sizeof h);
    size_t nv = b->st == QS_OK ? (size_t)(h.n_samples * h.n_signals) : 0;
    size_t nj = b->st == QS_OK ? (size_t)h.n_jumps : 0;
    double *values = malloc((nv ? nv : 1) * sizeof *values);
    double *time = malloc((nj ? nj : 1) * sizeof *time);
    int *channel = malloc((nj ? nj : 1) * sizeof *channel);
    st = values && time && channel ? QS_OK : QS_ERR_NOMEM;
    if (st == QS_OK) {
      qs_farm_get(b, values, nv * sizeof *values);
      qs_farm_get(b, time, nj * sizeof *time);
      qs_farm_get(b, channel, nj * sizeof *channel);
    }
    qs_signals_chunk c = {.trajectory = i, .first_sample = h.first_sample,
                          .n_samples = h.n_samples, .n_signals = h.n_signals, .values = values,
                          .first_jump = h.first_jump, .n_jumps = h.n_jumps, .jump_time = time,
                          .jump_channel = channel, .last = h.last};
    if (st == QS_OK && b->st == QS_OK)
      st = qs_signals_file_write(&c, file);
    free(values);
    free(time);
    free(channel);
  }
  return st != QS_OK ? st : b->st;
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
  return d->w->file ? qs_signals_file_write(c, d->w->file) : keep_chunk(c, &d->slot->record);
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

/* Slot codec of a distributed run (farm.h): the sums, work and message,
 * the photon sums, then the trajectory's kept chunks (freed once packed). */
static qs_status slot_pack(long i, qs_farm_bytes *b, void *data)
{
  point_work *w = data;
  traj_slot *slot = &w->slots[i];
  qs_farm_put(b, &slot->n_jumps, sizeof slot->n_jumps);
  qs_farm_put(b, slot->sig_sum, sizeof slot->sig_sum);
  qs_farm_put(b, slot->sig_sq, sizeof slot->sig_sq);
  qs_farm_put(b, &slot->work, sizeof slot->work);
  qs_farm_put(b, slot->msg, sizeof slot->msg);
  qs_farm_put(b, slot->photon, (size_t)(4 * w->levels + 1) * sizeof *slot->photon);
  qs_farm_put(b, slot->record.bytes, slot->record.len);
  free(slot->record.bytes);
  memset(&slot->record, 0, sizeof slot->record);
  return b->st;
}

static qs_status slot_unpack(long i, qs_farm_bytes *b, void *data)
{
  point_work *w = data;
  traj_slot *slot = &w->slots[i];
  qs_farm_get(b, &slot->n_jumps, sizeof slot->n_jumps);
  qs_farm_get(b, slot->sig_sum, sizeof slot->sig_sum);
  qs_farm_get(b, slot->sig_sq, sizeof slot->sig_sq);
  qs_farm_get(b, &slot->work, sizeof slot->work);
  qs_farm_get(b, slot->msg, sizeof slot->msg);
  qs_farm_get(b, slot->photon, (size_t)(4 * w->levels + 1) * sizeof *slot->photon);
  return b->st == QS_OK ? write_kept_chunks(b, i, w->file) : b->st;
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
  for (long i = 0; w->slots && i < w->ntraj; i++)
    free(w->slots[i].record.bytes);
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
  w->ntraj = w->slots ? ntraj : 0;
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
  jtable summary, photon, trajectories, dwells, psd;
  int n_signals;
  char signal_names[QS_SIGNALS_MAX][QS_MODEL_MAX_NAME];
  int photon_on;
  long points;
} jumps_run;

/* Histogram bins of the dwell times in dwells.tsv. */
#define DWELL_BINS 20
/* Default Lorentzian fit range in units of the dwell-time rate sum: far
 * enough into the 1/omega^2 tail to pin the width and the background. */
#define FIT_RANGE_RATES 20.0
/* |z| beyond which the three-way table says DISAGREE. */
#define DISAGREE_Z 3.0

static const char *const summary_cols[] = {
    "rate_12", "rate_21", "rate_sum", "rate_sum_se", "gap", "psd_width", "psd_width_se",
    "p_state1", "p_state1_se", "p_state1_exact", "n_switches", "p_state1_se_markov", "z_rates_gap", "z_psd_gap",
    "z_rates_psd", "rate_12_lo", "rate_12_hi", "rate_21_lo", "rate_21_hi", "rate_12_fit",
    "rate_12_fit_se", "rate_21_fit", "rate_21_fit_se", "cv_1", "cv_2", "mean_dwell_1",
    "mean_dwell_2", "n_dwells_1", "n_dwells_2", "level_1", "level_2", "width_1", "width_2",
    "threshold", "band_lower", "band_upper", "dip", "p_switch_1", "p_switch_2",
    "hmm_log_likelihood", "hmm_iterations", "psd_amplitude", "psd_background", "psd_chi2",
    "psd_points", "psd_segments", "psd_segment", "omega_fit_max", "tau_int_max", "batch_time", "ntraj",
    "n_samples", "t_record", "n_jumps", "jump_rate"};

/* Set column `name` of a row (rows start with the sweep columns). */
static void put(const jtable *t, double *row, const char *name, double v)
{
  for (int c = 0; c < t->n_cols; c++)
    if (strcmp(t->names[c], name) == 0) {
      row[c] = v;
      return;
    }
}

static void layout_tables(jumps_run *r, const qs_model *model, const qs_signals_options *o)
{
  const qs_runconfig *cfg = &r->ctx->cfg;
  r->n_signals = o->n_signals;
  for (int s = 0; s < o->n_signals; s++)
    snprintf(r->signal_names[s], sizeof r->signal_names[s], "%s", model->obs_names[o->obs[s]]);
  jtable *t = &r->summary;
  sweep_cols(t, cfg);
  for (size_t c = 0; c < sizeof summary_cols / sizeof summary_cols[0]; c++)
    jt_col(t, "%s", summary_cols[c]);
  for (int s = 0; s < o->n_signals; s++) {
    jt_col(t, "%s", r->signal_names[s]);
    jt_col(t, "%s_se", r->signal_names[s]);
    jt_col(t, "%s_exact", r->signal_names[s]);
    jt_col(t, "%s_z", r->signal_names[s]);
  }
  const char *traj_cols[] = {"trajectory", "n_jumps", "steps", "n_switches", "p_state1",
                             "p_state1_se", "tau_int"};
  t = &r->trajectories;
  sweep_cols(t, cfg);
  for (size_t c = 0; c < sizeof traj_cols / sizeof traj_cols[0]; c++)
    jt_col(t, "%s", traj_cols[c]);
  jt_col(t, "%s", r->signal_names[0]);
  jt_col(t, "%s_se", r->signal_names[0]);
  const char *dwell_cols[] = {"state", "t_lo", "t_hi", "count", "expected"};
  t = &r->dwells;
  sweep_cols(t, cfg);
  for (size_t c = 0; c < sizeof dwell_cols / sizeof dwell_cols[0]; c++)
    jt_col(t, "%s", dwell_cols[c]);
  const char *psd_cols[] = {"omega", "psd", "psd_se", "lorentzian", "in_fit"};
  t = &r->psd;
  sweep_cols(t, cfg);
  for (size_t c = 0; c < sizeof psd_cols / sizeof psd_cols[0]; c++)
    jt_col(t, "%s", psd_cols[c]);
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

/* z of the difference of two estimates with independent errors (an exact
 * value has se 0). */
static double z_pair(double a, double se_a, double b, double se_b)
{
  double se = sqrt(se_a * se_a + se_b * se_b);
  return se > 0.0 && isfinite(a) && isfinite(b) ? (a - b) / se : NAN;
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
  const jtable *t = &r->photon;
  for (qs_index k = 0; k < L; k++) {
    double sum[4] = {0};
    for (long i = 0; i < ntraj; i++)
      for (int a = 0; a < 4; a++)
        sum[a] += w->slots[i].photon[a * L + k];
    double *row = sweep_row(&r->photon, &r->ctx->cfg, sweep_x);
    if (!row)
      break;
    double m, se;
    put(t, row, "n", (double)k);
    pooled(sum[0], sum[1], n, &m, &se);
    put(t, row, "P_up", m), put(t, row, "P_up_se", se), put(t, row, "P_up_exact", exact[k]);
    put(t, row, "z_up", z_of(m, se, exact[k]));
    pooled(sum[2], sum[3], n, &m, &se);
    put(t, row, "P_down", m), put(t, row, "P_down_se", se);
    put(t, row, "P_down_exact", exact[L + k]), put(t, row, "z_down", z_of(m, se, exact[L + k]));
  }
  free(exact);
  return EXIT_OK;
}

/* ---- one point: the switching analysis ------------------------------------ */

typedef struct {
  qs_telegraph_options to;
  int two_states;              /* the fit found two states */
  char note[600];              /* why not */
  qs_telegraph_params tp;
  qs_dwells *dwells;
  qs_switching sw;
  double p1, p1_se, p1_exact;
  double gap;                  /* NAN when not computed */
  char gap_note[600];
  int psd_ok;
  char psd_note[600];
  qs_lorentzian lz;
  double omega_max;
  long segment;                /* Welch segment, samples */
  long n_freq, n_segments;
  double *omega, *psd, *psd_se;
  double tau_max;              /* largest integrated autocorrelation time */
} analysis;

static void analysis_free(analysis *a)
{
  qs_dwells_destroy(&a->dwells);
  free(a->omega);
  free(a->psd);
  free(a->psd_se);
}

/* The pooled two-state fit of the first signal (all trajectories in
 * memory at once: the fit needs them together). */
static int fit_states(const jumps_run *r, const point_work *w, long ntraj, analysis *a)
{
  long n = w->n_samples;
  double **x = calloc((size_t)ntraj, sizeof *x);
  long *len = calloc((size_t)ntraj, sizeof *len);
  int rc = x && len ? EXIT_OK : EXIT_RUNTIME;
  for (long i = 0; i < ntraj && rc == EXIT_OK; i++) {
    x[i] = malloc((size_t)n * sizeof *x[i]);
    len[i] = n;
    if (!x[i] || qs_signals_file_read(w->file, i, 0, x[i]) != QS_OK)
      rc = EXIT_RUNTIME;
  }
  if (rc == EXIT_OK) {
    qs_status st = qs_telegraph_fit((const double *const *)x, len, (int)ntraj, &a->to, &a->tp,
                                    a->note, sizeof a->note);
    a->two_states = st == QS_OK;
    if (st != QS_OK && st != QS_ERR_INVALID)
      rc = EXIT_RUNTIME;
  } else {
    cli_error("%s: reading the trajectory records back failed", r->ctx->cfg.path);
  }
  for (long i = 0; x && i < ntraj; i++)
    free(x[i]);
  free(x);
  free(len);
  return rc;
}

/* Default Welch segment in units of 1/rate_sum: the Hann window's
 * resolution broadens the fitted width by about +19% at 5/K and +6% at
 * 21/K on synthetic telegraphs of the Fig. 1 rates (docs/bistability.md). */
#define SEGMENT_RATES 20.0

/* Welch segment in samples: [jumps] segment, or else the longer of
 * t_end / 16 and SEGMENT_RATES / rate_sum, at most the record. */
static long segment_samples(const qs_runconfig *cfg, double rate_sum)
{
  double seg = cfg->jumps_segment;
  if (!(seg > 0.0)) {
    seg = cfg->jumps_t_end / 16.0;
    if (rate_sum > 0.0 && isfinite(rate_sum))
      seg = fmax(seg, fmin(SEGMENT_RATES / rate_sum, cfg->jumps_t_end));
  }
  return (long)floor(seg / cfg->jumps_dt + 0.5);
}

/* One trajectory read back: its averages with batch-means errors, its
 * states and dwells. */
static int trajectory_pass(jumps_run *r, const point_work *w, long i, const double sweep_x[2],
                           analysis *a, double *x, unsigned char *state, double *ind,
                           double p1_sum[2])
{
  const qs_runconfig *cfg = &r->ctx->cfg;
  const long n = w->n_samples;
  const double dt = w->opt.dt;
  if (qs_signals_file_read(w->file, i, 0, x) != QS_OK)
    return EXIT_RUNTIME;
  double mean, se, tau;
  if (qs_batch_means(x, n, w->batches, &mean, &se, &tau) != QS_OK)
    return EXIT_RUNTIME;
  a->tau_max = fmax(a->tau_max, tau * dt);
  double *row = sweep_row(&r->trajectories, cfg, sweep_x);
  const jtable *t = &r->trajectories;
  if (!row)
    return EXIT_RUNTIME;
  put(t, row, "trajectory", (double)i);
  put(t, row, "n_jumps", (double)w->slots[i].n_jumps);
  put(t, row, "steps", (double)w->slots[i].work.steps);
  put(t, row, "tau_int", tau * dt);
  put(t, row, r->signal_names[0], mean);
  char name[QS_MODEL_MAX_NAME + 4];
  snprintf(name, sizeof name, "%s_se", r->signal_names[0]);
  put(t, row, name, se);
  if (!a->two_states)
    return EXIT_OK;
  if (qs_telegraph_classify(x, n, &a->tp, state) != QS_OK ||
      qs_dwells_add(a->dwells, state, n, dt) != QS_OK)
    return EXIT_RUNTIME;
  long switches = 0;
  for (long k = 0; k < n; k++) {
    ind[k] = state[k] == 0; /* state 1 of the summary: the low level */
    switches += k > 0 && state[k] != state[k - 1];
  }
  for (int b = 0; b < w->batches; b++) {
    double f = 0.0;
    long first = (long)b * (n / w->batches), size = batch_size(w, b);
    for (long k = first; k < first + size; k++)
      f += ind[k];
    f /= (double)size;
    p1_sum[0] += f;
    p1_sum[1] += f * f;
  }
  if (qs_batch_means(ind, n, w->batches, &mean, &se, NULL) != QS_OK)
    return EXIT_RUNTIME;
  put(t, row, "n_switches", (double)switches);
  put(t, row, "p_state1", mean);
  put(t, row, "p_state1_se", se);
  return EXIT_OK;
}

/* The Welch estimate over every trajectory (read back once more, now that
 * the rate sum sets the segment) and its Lorentzian. */
static int fit_spectrum(const qs_runconfig *cfg, const point_work *w, long ntraj, double *x,
                        analysis *a)
{
  long n = w->n_samples;
  a->segment = segment_samples(cfg, a->two_states ? a->sw.rate_sum : NAN);
  qs_welch *welch = NULL;
  if (a->segment > n || qs_welch_create(a->segment, w->opt.dt, cfg->jumps_overlap, &welch) !=
                            QS_OK) {
    snprintf(a->psd_note, sizeof a->psd_note, "segment of %ld samples: expected 8 .. %ld",
             a->segment, n);
    return EXIT_OK;
  }
  int rc = EXIT_OK;
  for (long i = 0; i < ntraj && rc == EXIT_OK; i++)
    if (qs_signals_file_read(w->file, i, 0, x) != QS_OK || qs_welch_add(welch, x, n) != QS_OK)
      rc = EXIT_RUNTIME;
  long nf = qs_welch_n_freq(welch);
  a->omega = malloc((size_t)nf * sizeof *a->omega);
  a->psd = malloc((size_t)nf * sizeof *a->psd);
  a->psd_se = malloc((size_t)nf * sizeof *a->psd_se);
  if (rc == EXIT_OK && (!a->omega || !a->psd || !a->psd_se))
    rc = EXIT_RUNTIME;
  if (rc == EXIT_OK && qs_welch_result(welch, a->omega, a->psd, a->psd_se, &a->n_freq,
                                       &a->n_segments) != QS_OK) {
    snprintf(a->psd_note, sizeof a->psd_note, "no Welch segment fits the record");
    a->n_freq = 0;
  } else if (rc == EXIT_OK) {
    a->omega_max = cfg->jumps_omega_max > 0.0 ? cfg->jumps_omega_max
                   : a->two_states && a->sw.rate_sum > 0.0 ? FIT_RANGE_RATES * a->sw.rate_sum
                                                            : 0.0;
    a->psd_ok = qs_lorentzian_fit(a->omega, a->psd, a->psd_se, a->n_freq, a->omega_max,
                                  &a->lz, a->psd_note, sizeof a->psd_note) == QS_OK;
  }
  qs_welch_destroy(&welch);
  return rc;
}

static void liouvillian_gap(const cli_context *ctx, const qs_model *m, analysis *a)
{
  a->gap = NAN;
  if (m->n_td > 0) {
    snprintf(a->gap_note, sizeof a->gap_note, "skipped: the model is time-dependent (%d "
             "terms; cavity_qubits: frame = rwa)", m->n_td);
    return;
  }
  qs_gap_options o = qs_runfile_gap_options(&ctx->cfg);
  o.memory_limit = ctx->max_memory;
  qs_gap_result g;
  qs_status st = qs_liouvillian_gap(m, &o, &g, a->gap_note, sizeof a->gap_note);
  if (st == QS_OK)
    a->gap = g.gap;
  else if (!a->gap_note[0])
    snprintf(a->gap_note, sizeof a->gap_note, "%s", qs_strerror(st));
}

static int analyse(jumps_run *r, const point_work *w, long ntraj, const double sweep_x[2],
                   const double complex *rho, analysis *a)
{
  const cli_context *ctx = r->ctx;
  const qs_runconfig *cfg = &ctx->cfg;
  a->to = qs_runfile_telegraph_options(cfg);
  a->p1 = a->p1_se = a->p1_exact = NAN;
  int rc = fit_states(r, w, ntraj, a);
  if (rc == EXIT_OK && qs_dwells_create(&a->dwells) != QS_OK)
    rc = EXIT_RUNTIME;
  long n = w->n_samples;
  double *x = malloc((size_t)n * sizeof *x), *ind = malloc((size_t)n * sizeof *ind);
  unsigned char *state = malloc((size_t)n);
  double p1_sum[2] = {0, 0};
  if (rc == EXIT_OK && (!x || !ind || !state))
    rc = EXIT_RUNTIME;
  for (long i = 0; i < ntraj && rc == EXIT_OK; i++)
    rc = trajectory_pass(r, w, i, sweep_x, a, x, state, ind, p1_sum);
  if (rc == EXIT_OK && a->two_states) {
    qs_switching_rates(a->dwells, &a->to, &a->sw);
    pooled(p1_sum[0], p1_sum[1], ntraj * w->batches, &a->p1, &a->p1_se);
    double above = NAN;
    if (qs_observable_probability_above(w->model->obs[w->opt.obs[0]], rho, a->tp.threshold,
                                        &above) == QS_OK)
      a->p1_exact = 1.0 - above;
  }
  if (rc == EXIT_OK)
    rc = fit_spectrum(cfg, w, ntraj, x, a);
  free(x);
  free(ind);
  free(state);
  if (rc == EXIT_OK)
    liouvillian_gap(ctx, w->model, a);
  if (rc != EXIT_OK)
    cli_error("%s: the switching analysis failed (out of memory or reading the records)",
              cfg->path);
  return rc;
}

static void dwell_rows(jumps_run *r, const analysis *a, const double sweep_x[2])
{
  const jtable *t = &r->dwells;
  for (int s = 0; s < 2 && a->two_states; s++) {
    double edges[DWELL_BINS + 1];
    long counts[DWELL_BINS];
    if (qs_dwells_histogram(a->dwells, s, DWELL_BINS, edges, counts) != QS_OK)
      continue;
    double k = a->sw.rate[s], total = (double)a->sw.n_dwell[s];
    for (int b = 0; b < DWELL_BINS; b++) {
      double *row = sweep_row(&r->dwells, &r->ctx->cfg, sweep_x);
      if (!row)
        return;
      put(t, row, "state", s + 1.0);
      put(t, row, "t_lo", edges[b]);
      put(t, row, "t_hi", edges[b + 1]);
      put(t, row, "count", (double)counts[b]);
      put(t, row, "expected", total * (exp(-k * edges[b]) - exp(-k * edges[b + 1])));
    }
  }
}

static void psd_rows(jumps_run *r, const analysis *a, const double sweep_x[2])
{
  const jtable *t = &r->psd;
  for (long k = 0; k < a->n_freq; k++) {
    double *row = sweep_row(&r->psd, &r->ctx->cfg, sweep_x);
    if (!row)
      return;
    double om = a->omega[k];
    put(t, row, "omega", om);
    put(t, row, "psd", a->psd[k]);
    put(t, row, "psd_se", a->psd_se[k]);
    if (a->psd_ok)
      put(t, row, "lorentzian",
          a->lz.amplitude / (a->lz.width * a->lz.width + om * om) + a->lz.background);
    put(t, row, "in_fit", a->omega_max <= 0.0 || om <= a->omega_max);
  }
}

static void summary_analysis(const jtable *t, double *row, const analysis *a)
{
  const qs_switching *sw = &a->sw;
  put(t, row, "gap", a->gap);
  put(t, row, "tau_int_max", a->tau_max);
  if (a->psd_ok) {
    put(t, row, "psd_width", a->lz.width);
    put(t, row, "psd_width_se", a->lz.width_se);
    put(t, row, "psd_amplitude", a->lz.amplitude);
    put(t, row, "psd_background", a->lz.background);
    put(t, row, "psd_chi2", a->lz.chi2_reduced);
    put(t, row, "psd_points", a->lz.n_points);
    put(t, row, "psd_segments", (double)a->n_segments);
    put(t, row, "omega_fit_max", a->omega_max);
    put(t, row, "psd_segment", (double)a->segment);
    put(t, row, "z_psd_gap", z_pair(a->lz.width, a->lz.width_se, a->gap, 0.0));
  }
  if (!a->two_states)
    return;
  const char *lo[2] = {"rate_12_lo", "rate_21_lo"}, *hi[2] = {"rate_12_hi", "rate_21_hi"};
  const char *fit[2] = {"rate_12_fit", "rate_21_fit"};
  const char *fit_se[2] = {"rate_12_fit_se", "rate_21_fit_se"};
  const char *cv[2] = {"cv_1", "cv_2"}, *md[2] = {"mean_dwell_1", "mean_dwell_2"};
  const char *nd[2] = {"n_dwells_1", "n_dwells_2"}, *lv[2] = {"level_1", "level_2"};
  const char *wd[2] = {"width_1", "width_2"}, *ps[2] = {"p_switch_1", "p_switch_2"};
  put(t, row, "rate_12", sw->rate[0]);
  put(t, row, "rate_21", sw->rate[1]);
  put(t, row, "rate_sum", sw->rate_sum);
  put(t, row, "rate_sum_se", sw->rate_sum_se);
  put(t, row, "n_switches", (double)sw->n_switches);
  put(t, row, "p_state1", a->p1);
  put(t, row, "p_state1_se", a->p1_se);
  put(t, row, "p_state1_exact", a->p1_exact);
  put(t, row, "p_state1_se_markov", sw->p_state_se);
  put(t, row, "z_rates_gap", z_pair(sw->rate_sum, sw->rate_sum_se, a->gap, 0.0));
  if (a->psd_ok)
    put(t, row, "z_rates_psd", z_pair(sw->rate_sum, sw->rate_sum_se, a->lz.width,
                                      a->lz.width_se));
  for (int s = 0; s < 2; s++) {
    put(t, row, lo[s], sw->rate_lo[s]);
    put(t, row, hi[s], sw->rate_hi[s]);
    put(t, row, fit[s], sw->fit_rate[s]);
    put(t, row, fit_se[s], sw->fit_rate_se[s]);
    put(t, row, cv[s], sw->cv[s]);
    put(t, row, md[s], sw->mean_dwell[s]);
    put(t, row, nd[s], (double)sw->n_dwell[s]);
    put(t, row, lv[s], a->tp.level[s]);
    put(t, row, wd[s], a->tp.width[s]);
    put(t, row, ps[s], a->tp.p_switch[s]);
  }
  put(t, row, "threshold", a->tp.threshold);
  put(t, row, "band_lower", a->tp.lower);
  put(t, row, "band_upper", a->tp.upper);
  put(t, row, "dip", a->tp.dip);
  put(t, row, "hmm_log_likelihood", a->tp.log_likelihood);
  put(t, row, "hmm_iterations", a->tp.iterations);
}

/* The three measures of the slow rate side by side, with z-scores. */
static void print_three_way(const jumps_run *r, const point_work *w, const analysis *a,
                            const char *where)
{
  if (r->ctx->quiet)
    return;
  const qs_switching *sw = &a->sw;
  printf("%s%ssignal %s, method %s: ", where, where[0] ? ": " : "", r->signal_names[0],
         qs_telegraph_method_name(a->to.method));
  if (a->two_states)
    printf("levels %.4g / %.4g, threshold %.4g (state 1 = low, state 2 = high)\n",
           a->tp.level[0], a->tp.level[1], a->tp.threshold);
  else
    printf("no two states: %s\n", a->note);
  if (a->two_states) {
    printf("  dwells     rate_12 = %.4g [%.4g, %.4g], rate_21 = %.4g [%.4g, %.4g] (%.0f%% "
           "intervals), %ld switches, CV %.3f / %.3f\n",
           sw->rate[0], sw->rate_lo[0], sw->rate_hi[0], sw->rate[1], sw->rate_lo[1],
           sw->rate_hi[1], 100 * a->to.confidence, sw->n_switches, sw->cv[0], sw->cv[1]);
    printf("  occupation p_state1 = %.4f +- %.4f (batch means; +- %.4f for a Markov switch), "
           "exact %.4f (z = %.2f)\n", a->p1, a->p1_se, sw->p_state_se, a->p1_exact,
           z_of(a->p1, a->p1_se, a->p1_exact));
  }
  printf("  rate_sum  = %-12.5g +- %-10.3g (dwell times)\n", sw->rate_sum, sw->rate_sum_se);
  if (isfinite(a->gap))
    printf("  gap       = %-12.5g               (|Re mu1| of the Liouvillian)\n", a->gap);
  else
    printf("  gap       : %s\n", a->gap_note);
  if (a->psd_ok)
    printf("  psd_width = %-12.5g +- %-10.3g (Lorentzian of the Welch PSD, %ld segments of "
           "%.4g, fit to omega = %.3g)\n",
           a->lz.width, a->lz.width_se, a->n_segments, (double)a->segment * w->opt.dt,
           a->omega_max);
  else
    printf("  psd_width : %s\n", a->psd_note);
  const char *names[3] = {"rate_sum - gap", "psd_width - gap", "rate_sum - psd_width"};
  double z[3] = {a->two_states ? z_pair(sw->rate_sum, sw->rate_sum_se, a->gap, 0) : NAN,
                 a->psd_ok ? z_pair(a->lz.width, a->lz.width_se, a->gap, 0) : NAN,
                 a->two_states && a->psd_ok
                     ? z_pair(sw->rate_sum, sw->rate_sum_se, a->lz.width, a->lz.width_se)
                     : NAN};
  printf("  z: ");
  for (int k = 0; k < 3; k++)
    printf("%s%s = %.2f", k ? ", " : "", names[k], z[k]);
  printf("\n");
  for (int k = 0; k < 3; k++)
    if (fabs(z[k]) > DISAGREE_Z)
      printf("  DISAGREE beyond errors: %s (|z| = %.2f > %g)\n", names[k], fabs(z[k]),
             DISAGREE_Z);
  double batch = (double)(w->n_samples / w->batches) * w->opt.dt;
  if (a->tau_max > 0.0 && batch < 10.0 * a->tau_max)
    printf("  note: batches of %.4g time units are shorter than 10 tau_int = %.4g (the "
           "largest over the trajectories): the batch-means errors may be too small (raise "
           "t_end or lower [jumps] batches)\n",
           batch, 10.0 * a->tau_max);
}

static int point_results(jumps_run *r, point_work *w, long ntraj, const double sweep_x[2],
                         const char *where, int print)
{
  const cli_context *ctx = r->ctx;
  const qs_model *m = w->model;
  const int S = w->opt.n_signals;
  size_t dim = (size_t)m->space.total;
  double complex *rho = malloc(dim * dim * sizeof *rho);
  analysis a = {0};
  int rc = rho ? exact_state(ctx, m, rho) : EXIT_RUNTIME;
  if (rc == EXIT_OK && r->photon_on)
    rc = photon_rows(r, w, ntraj, sweep_x, rho);
  if (rc == EXIT_OK)
    rc = analyse(r, w, ntraj, sweep_x, rho, &a);
  double *row = rc == EXIT_OK ? sweep_row(&r->summary, &ctx->cfg, sweep_x) : NULL;
  if (rc == EXIT_OK && !row)
    rc = EXIT_RUNTIME;
  if (rc != EXIT_OK) {
    analysis_free(&a);
    free(rho);
    return rc;
  }
  const jtable *t = &r->summary;
  long jumps = 0;
  double sum[QS_SIGNALS_MAX] = {0}, sq[QS_SIGNALS_MAX] = {0};
  for (long i = 0; i < ntraj; i++) {
    jumps += w->slots[i].n_jumps;
    for (int s = 0; s < S; s++) {
      sum[s] += w->slots[i].sig_sum[s];
      sq[s] += w->slots[i].sig_sq[s];
    }
  }
  double t_record = (double)(w->n_samples - 1) * w->opt.dt;
  put(t, row, "ntraj", (double)ntraj);
  put(t, row, "n_samples", (double)w->n_samples);
  put(t, row, "t_record", t_record);
  put(t, row, "batch_time", (double)(w->n_samples / w->batches) * w->opt.dt);
  put(t, row, "n_jumps", (double)jumps);
  put(t, row, "jump_rate", t_record > 0 ? (double)jumps / ((double)ntraj * t_record) : NAN);
  for (int s = 0; s < S; s++) {
    double mean, se;
    pooled(sum[s], sq[s], ntraj * w->batches, &mean, &se);
    double exact = creal(qs_op_trace_with(m->obs[w->opt.obs[s]], rho));
    char name[QS_MODEL_MAX_NAME + 8];
    put(t, row, r->signal_names[s], mean);
    snprintf(name, sizeof name, "%s_se", r->signal_names[s]);
    put(t, row, name, se);
    snprintf(name, sizeof name, "%s_exact", r->signal_names[s]);
    put(t, row, name, exact);
    snprintf(name, sizeof name, "%s_z", r->signal_names[s]);
    put(t, row, name, z_of(mean, se, exact));
  }
  summary_analysis(t, row, &a);
  dwell_rows(r, &a, sweep_x);
  psd_rows(r, &a, sweep_x);
  if (print)
    print_three_way(r, w, &a, where);
  analysis_free(&a);
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
  if (cli_check_integrator(ctx, model) != EXIT_OK) {
    qs_model_destroy(&model);
    return EXIT_BAD_INPUT;
  }
  point_work w = {.model = model, .opt = signal_options(ctx, model), .seed = cfg->seed,
                  .batches = (int)cfg->jumps_batches};
  int rc = parse_signals(ctx, model, &w.opt);
  w.n_samples = qs_signals_sample_count(&w.opt);
  if (p == 0 && rc == EXIT_OK)
    layout_tables(r, model, &w.opt);
  qs_farm_options farm = qs_farm_default_options();
  farm.threads = (int)cfg->threads;
  farm.distribute = ctx->distribute;
  farm.pack = slot_pack;
  farm.unpack = slot_unpack;
  int workers = qs_farm_workers(&farm);
  long ntraj = cfg->jumps_ntraj;
  if (rc == EXIT_OK)
    rc = work_alloc(ctx, &w, ntraj, workers);
  char group[64], msg[1024] = "";
  snprintf(group, sizeof group, r->points > 1 ? "signals/point_%04ld" : "signals", p);
  qs_status st = QS_OK;
  if (rc == EXIT_OK && ctx->rank == 0) { /* the records file is rank 0's */
    st = qs_signals_file_create(records, group, model, &w.opt, ntraj, cfg->seed, &w.file, msg,
                                sizeof msg);
    if (st != QS_OK) {
      cli_error("%s", msg);
      rc = EXIT_RUNTIME;
    }
  }
  if (qs_farm_distributed(&farm)) /* no rank starts the farm without the others */
    rc = (int)qs_dist_share(rc);
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
  if (rc == EXIT_OK && ctx->rank == 0) /* distributed: rank 0 holds every slot */
    rc = point_results(r, &w, ntraj, sweep_x, where, p < MAX_PRINTED_POINTS);
  if (qs_farm_distributed(&farm)) /* the next point on every rank or on none */
    rc = (int)qs_dist_share(rc);
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

int cli_jumps(cli_context *ctx)
{
  const qs_runconfig *cfg = &ctx->cfg;
  long n_points = cli_sweep_points(cfg);
  int rc = check_points(ctx, n_points);
  if (rc != EXIT_OK)
    return rc;
  char records[QS_RUNFILE_MAX_PATH + 64], msg[1024];
  records[0] = '\0';
  int fd = ctx->rank == 0 ? qs_outdir_scratch(RECORDS_NAME, records, sizeof records, msg,
                                              sizeof msg)
                          : 0; /* a rank > 0 sends its records to rank 0 */
  if (fd < 0)
    cli_error("%s", msg);
  if (ctx->distribute && qs_dist_share(fd < 0))
    return EXIT_RUNTIME;
  if (fd < 0)
    return EXIT_RUNTIME;
  if (ctx->rank == 0)
    close(fd); /* HDF5 opens it by name (an empty file: created as HDF5) */
  jumps_run r = {.ctx = ctx, .points = n_points};
  for (long p = 0; p < n_points && rc == EXIT_OK; p++)
    rc = run_point(&r, p, records);
  if (rc == EXIT_OK && ctx->rank == 0) {
    qs_table tables[5] = {jt_table(&r.summary, "summary"),
                          jt_table(&r.trajectories, "trajectories"),
                          jt_table(&r.dwells, "dwells"), jt_table(&r.psd, "psd"),
                          jt_table(&r.photon, "photon")};
    qs_model *model = cli_build_model(ctx, NULL);
    qs_output single = {.h5_include = records};
    rc = model ? cli_write_tables(ctx, "jumps", model, tables, r.photon_on ? 5 : 4, &single)
               : EXIT_BAD_INPUT;
    qs_model_destroy(&model);
  }
  free(r.summary.data);
  free(r.photon.data);
  free(r.trajectories.data);
  free(r.dwells.data);
  free(r.psd.data);
  return rc;
}
