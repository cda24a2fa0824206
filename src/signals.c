/* Long trajectories as sampled signals; see include/qsync/signals.h. */
#include "qsync/signals.h"
#include "message_impl.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct qs_signals {
  const qs_model *model;
  qs_signals_options opt;
  long n_samples;
  qs_traj *traj;
  double complex *psi;
  double *values;       /* chunk x n_signals */
  double *jump_time;    /* chunk */
  int *jump_channel;    /* chunk */
  /* photon averages */
  qs_index levels;
  double *pop_sum;      /* photon_batches x dim: summed |psi_i|^2 per batch */
  long *batch_samples;  /* photon_batches */
  double complex *rho;  /* dim x dim diagonal scratch for the split */
  int ran;
};

qs_signals_options qs_signals_default_options(void)
{
  return (qs_signals_options){.burn_in = 0.0, .t_end = 100.0, .dt = 1.0, .n_signals = 1,
                              .obs = {0}, .chunk = 4096, .photon = 0, .photon_batches = 20,
                              .traj = qs_traj_default_options()};
}

long qs_signals_sample_count(const qs_signals_options *o)
{
  if (!o || !(o->dt > 0.0) || !(o->t_end > 0.0) || !isfinite(o->t_end / o->dt))
    return 0;
  double ratio = o->t_end / o->dt;
  double whole = floor(ratio + 1e-9 * ratio + 1e-9);
  if (whole >= 9e15)
    return 0;
  return (long)whole + 1;
}

static qs_status check_options(const qs_model *m, const qs_signals_options *o, char *msg,
                               size_t msglen)
{
  if (!(o->burn_in >= 0.0) || !isfinite(o->burn_in)) {
    qs_set_message(msg, msglen, "burn_in = %g: expected a finite time >= 0", o->burn_in);
    return QS_ERR_INVALID;
  }
  if (!(o->t_end > 0.0) || !isfinite(o->t_end) || !(o->dt > 0.0) || !(o->dt <= o->t_end)) {
    qs_set_message(msg, msglen, "t_end = %g, dt = %g: expected 0 < dt <= t_end (finite)",
                   o->t_end, o->dt);
    return QS_ERR_INVALID;
  }
  if (qs_signals_sample_count(o) < 1) {
    qs_set_message(msg, msglen, "t_end / dt = %g: too many samples", o->t_end / o->dt);
    return QS_ERR_INVALID;
  }
  if (o->n_signals < 1 || o->n_signals > QS_SIGNALS_MAX) {
    qs_set_message(msg, msglen, "n_signals = %d: expected 1 .. %d", o->n_signals,
                   QS_SIGNALS_MAX);
    return QS_ERR_INVALID;
  }
  for (int s = 0; s < o->n_signals; s++)
    if (o->obs[s] < 0 || o->obs[s] >= m->n_obs) {
      qs_set_message(msg, msglen, "signal %d: observable index %d: expected 0 .. %d", s,
                     o->obs[s], m->n_obs - 1);
      return QS_ERR_INVALID;
    }
  if (o->chunk < 1 || o->chunk > 100000000L) {
    qs_set_message(msg, msglen, "chunk = %ld: expected 1 .. 1e8 samples", o->chunk);
    return QS_ERR_INVALID;
  }
  if (o->photon && qs_model_photon_levels(m) == 0) {
    qs_set_message(msg, msglen, "photon distributions: model %s at these parameters has no "
                   "photon numbers (no qubit, or a displaced cavity)", m->type->name);
    return QS_ERR_INVALID;
  }
  if (o->photon && (o->photon_batches < 1 || o->photon_batches > 1000 ||
                    o->photon_batches > qs_signals_sample_count(o))) {
    qs_set_message(msg, msglen, "photon_batches = %d: expected 1 .. min(1000, %ld samples)",
                   o->photon_batches, qs_signals_sample_count(o));
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

void qs_signals_destroy(qs_signals **s)
{
  if (!s || !*s)
    return;
  qs_signals *g = *s;
  qs_traj_destroy(&g->traj);
  free(g->psi);
  free(g->values);
  free(g->jump_time);
  free(g->jump_channel);
  free(g->pop_sum);
  free(g->batch_samples);
  free(g->rho);
  free(g);
  *s = NULL;
}

qs_status qs_signals_create(const qs_model *model, const qs_signals_options *o,
                            qs_signals **out, char *msg, size_t msglen)
{
  if (!out)
    return QS_ERR_INVALID;
  *out = NULL;
  if (!model || !o)
    return QS_ERR_INVALID;
  qs_status st = check_options(model, o, msg, msglen);
  if (st != QS_OK)
    return st;
  qs_signals *g = calloc(1, sizeof *g);
  if (!g)
    return QS_ERR_NOMEM;
  g->model = model;
  g->opt = *o;
  g->n_samples = qs_signals_sample_count(o);
  size_t dim = (size_t)model->space.total, chunk = (size_t)o->chunk;
  g->psi = malloc(dim * sizeof *g->psi);
  g->values = malloc(chunk * (size_t)o->n_signals * sizeof *g->values);
  g->jump_time = malloc(chunk * sizeof *g->jump_time);
  g->jump_channel = malloc(chunk * sizeof *g->jump_channel);
  st = g->psi && g->values && g->jump_time && g->jump_channel ? QS_OK : QS_ERR_NOMEM;
  if (st == QS_OK && o->photon) {
    g->levels = qs_model_photon_levels(model);
    g->pop_sum = calloc((size_t)o->photon_batches * dim, sizeof *g->pop_sum);
    g->batch_samples = calloc((size_t)o->photon_batches, sizeof *g->batch_samples);
    g->rho = calloc(dim * dim, sizeof *g->rho);
    st = g->pop_sum && g->batch_samples && g->rho ? QS_OK : QS_ERR_NOMEM;
  }
  if (st == QS_OK) {
    st = qs_traj_create(model, &o->traj, &g->traj);
    if (st != QS_OK)
      qs_set_message(msg, msglen, "cannot set up the trajectory integrator (%s)",
                     qs_strerror(st));
  }
  if (st != QS_OK) {
    qs_signals_destroy(&g);
    return st;
  }
  *out = g;
  return QS_OK;
}

/* Where a run's buffers stand. */
typedef struct {
  qs_signals *s;
  qs_signals_sink sink;
  void *data;
  long index;
  long n_buffered, first_sample;
  long n_jumps, first_jump;
} run_state;

static qs_status flush(run_state *r, int last)
{
  qs_signals *s = r->s;
  if (!r->sink)
    r->n_buffered = r->n_jumps = 0;
  if (!r->sink || (r->n_buffered == 0 && r->n_jumps == 0 && !last))
    return QS_OK;
  qs_signals_chunk c = {r->index, r->first_sample, r->n_buffered, s->opt.n_signals,
                        s->values, r->first_jump, r->n_jumps, s->jump_time,
                        s->jump_channel, last};
  qs_status st = r->sink(&c, r->data);
  r->first_sample += r->n_buffered;
  r->first_jump += r->n_jumps;
  r->n_buffered = r->n_jumps = 0;
  return st;
}

/* Advance to t, recording the jumps after the burn-in. */
static qs_status advance(run_state *r, double t)
{
  qs_signals *s = r->s;
  qs_status st;
  while ((st = qs_traj_step(s->traj, t, NULL)) == QS_JUMPED) {
    double t_jump;
    int channel;
    qs_traj_last_jump(s->traj, &t_jump, &channel);
    if (t_jump < s->opt.burn_in)
      continue;
    if (r->n_jumps == s->opt.chunk && (st = flush(r, 0)) != QS_OK)
      return st;
    s->jump_time[r->n_jumps] = t_jump;
    s->jump_channel[r->n_jumps++] = channel;
  }
  return st;
}

/* Batch of sample k: equal batches, the remainder in the last. */
static int batch_of(const qs_signals *s, long k)
{
  long per = s->n_samples / s->opt.photon_batches;
  long b = k / per;
  return b >= s->opt.photon_batches ? s->opt.photon_batches - 1 : (int)b;
}

/* Sample the state at t (sample k). */
static qs_status sample(run_state *r, long k, double t)
{
  qs_signals *s = r->s;
  const qs_model *m = s->model;
  qs_traj_state(s->traj, s->psi);
  if (m->frame_rate) /* report in the model's frame, as the ensembles do */
    qs_model_frame_state(m, t, s->psi);
  if (r->n_buffered == s->opt.chunk) {
    qs_status st = flush(r, 0);
    if (st != QS_OK)
      return st;
  }
  double *row = s->values + r->n_buffered * s->opt.n_signals;
  for (int j = 0; j < s->opt.n_signals; j++)
    row[j] = creal(qs_op_expect(m->obs[s->opt.obs[j]], s->psi));
  r->n_buffered++;
  if (s->opt.photon) {
    int b = batch_of(s, k);
    double *pop = s->pop_sum + (size_t)b * (size_t)m->space.total;
    for (qs_index i = 0; i < m->space.total; i++)
      pop[i] += creal(s->psi[i]) * creal(s->psi[i]) + cimag(s->psi[i]) * cimag(s->psi[i]);
    s->batch_samples[b]++;
  }
  return QS_OK;
}

qs_status qs_signals_run(qs_signals *s, uint64_t seed, long index, qs_signals_sink sink,
                         void *data, char *msg, size_t msglen)
{
  if (!s || index < 0)
    return QS_ERR_INVALID;
  const qs_signals_options *o = &s->opt;
  if (o->photon) {
    memset(s->pop_sum, 0,
           (size_t)o->photon_batches * (size_t)s->model->space.total * sizeof *s->pop_sum);
    memset(s->batch_samples, 0, (size_t)o->photon_batches * sizeof *s->batch_samples);
  }
  s->ran = 0;
  run_state r = {.s = s, .sink = sink, .data = data, .index = index};
  qs_status st = qs_traj_start(s->traj, NULL, 0.0, seed, (uint64_t)index);
  double t = 0.0;
  for (long k = 0; k < s->n_samples && st == QS_OK; k++) {
    /* t_k from k (not by adding dt) so that no rounding accumulates. */
    t = o->burn_in + (double)k * o->dt;
    st = advance(&r, t);
    if (st == QS_OK)
      st = sample(&r, k, t);
  }
  if (st == QS_OK)
    st = flush(&r, 1);
  else if (st == QS_ERR_CVODE)
    qs_set_message(msg, msglen, "trajectory %ld: the integration failed before t = %g", index,
                   t);
  s->ran = st == QS_OK;
  return st;
}

qs_index qs_signals_photon_levels(const qs_signals *s)
{
  return s && s->opt.photon ? s->levels : 0;
}

long qs_signals_photon_batch_samples(const qs_signals *s, int batch)
{
  if (!s || !s->opt.photon || batch < 0 || batch >= s->opt.photon_batches)
    return 0;
  return s->batch_samples[batch];
}

qs_status qs_signals_photon(const qs_signals *s, int batch, double *p_up, double *p_down)
{
  if (!s || !s->opt.photon || !s->ran || batch < 0 || batch >= s->opt.photon_batches ||
      !p_up || !p_down || s->batch_samples[batch] == 0)
    return QS_ERR_INVALID;
  /* The split is linear in the populations: a diagonal rho holding the
   * batch's mean populations gives the batch's mean distributions. */
  const qs_index dim = s->model->space.total;
  const double *pop = s->pop_sum + (size_t)batch * (size_t)dim;
  double complex *rho = s->rho;
  for (qs_index i = 0; i < dim; i++)
    rho[i + i * dim] = pop[i] / (double)s->batch_samples[batch];
  return qs_model_photon_distribution(s->model, rho, p_up, p_down);
}

void qs_signals_get_stats(const qs_signals *s, qs_traj_stats *stats)
{
  if (s && stats)
    qs_traj_get_stats(s->traj, stats);
}

qs_status qs_observable_probability_above(const qs_op *O, const double complex *rho,
                                          double threshold, double *p)
{
  if (!O || !rho || !p || O->dim < 1 || O->dim > 46340)
    return QS_ERR_INVALID;
  const qs_index n = O->dim;
  double complex *h = malloc((size_t)(n * n) * sizeof *h);
  double *eig = malloc((size_t)n * sizeof *eig);
  if (!h || !eig) {
    free(h);
    free(eig);
    return QS_ERR_NOMEM;
  }
  qs_op_to_dense(O, h);
  for (qs_index j = 0; j < n; j++) /* the Hermitian part, upper triangle as zheev reads it */
    for (qs_index i = 0; i <= j; i++)
      h[i + j * n] = 0.5 * (h[i + j * n] + conj(h[j + i * n]));
  lapack_int info = LAPACKE_zheev(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)n, h,
                                  (lapack_int)n, eig);
  double sum = 0.0;
  for (qs_index k = 0; info == 0 && k < n; k++) {
    if (eig[k] < threshold)
      continue;
    const double complex *v = h + k * n; /* <v|rho|v> */
    for (qs_index j = 0; j < n; j++) {
      double complex rv = 0.0;
      for (qs_index i = 0; i < n; i++)
        rv += rho[i + j * n] * v[j] * conj(v[i]);
      sum += creal(rv);
    }
  }
  free(h);
  free(eig);
  if (info != 0)
    return QS_ERR_NUMERIC;
  *p = sum;
  return QS_OK;
}
