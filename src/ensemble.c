/* Ensembles of trajectories; see include/qsync/ensemble.h. */
#include "qsync/ensemble.h"
#include "qsync/dist.h"
#include "accum_impl.h"
#include "message_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

qs_ensemble_options qs_ensemble_default_options(void)
{
  return (qs_ensemble_options){.ntraj = 1000, .seed = 1, .threads = 1};
}

/* Forget r's kept blocks (a merge without blocks makes them incomplete). */
static void drop_blocks(qs_ensemble_result *r)
{
  for (long b = 0; b < r->n_blocks; b++)
    qs_accum_set_free(r->blocks + b * r->n_accums, r->n_accums);
  free(r->blocks);
  r->blocks = NULL;
  r->n_blocks = 0;
}

void qs_ensemble_result_destroy(qs_ensemble_result **res)
{
  if (!res || !*res)
    return;
  qs_ensemble_result *r = *res;
  drop_blocks(r);
  qs_accum_set_free(r->accums, r->n_accums);
  free(r->accums);
  free(r->times);
  free(r);
  *res = NULL;
}

qs_status qs_ensemble_result_new(const qs_accum_shape *shape,
                                 const qs_accum_type *const *types, int n_types,
                                 uint64_t seed, long first_index, qs_ensemble_result **out)
{
  *out = NULL;
  qs_ensemble_result *r = calloc(1, sizeof *r);
  if (!r)
    return QS_ERR_NOMEM;
  r->seed = seed;
  r->first_index = first_index;
  r->shape = *shape;
  r->shape.scope = QS_ACCUM_TOTAL;
  r->times = malloc((size_t)shape->n_times * sizeof *r->times);
  r->accums = calloc((size_t)n_types, sizeof *r->accums);
  qs_status st = r->times && r->accums ? QS_OK : QS_ERR_NOMEM;
  if (st == QS_OK) {
    if (shape->times)
      memcpy(r->times, shape->times, (size_t)shape->n_times * sizeof *r->times);
    r->shape.times = r->times;
    st = qs_accum_set_alloc(r->accums, types, n_types, &r->shape);
  }
  if (st != QS_OK) {
    free(r->accums);
    r->accums = NULL;
    qs_ensemble_result_destroy(&r);
    return st;
  }
  r->n_accums = n_types;
  qs_ensemble_result_sync(r);
  *out = r;
  return QS_OK;
}

qs_status qs_ensemble_result_add_block(qs_ensemble_result *r, qs_accum **slot)
{
  size_t n = (size_t)r->n_accums;
  qs_accum *blocks = realloc(r->blocks, (size_t)(r->n_blocks + 1) * n * sizeof *blocks);
  if (!blocks)
    return QS_ERR_NOMEM;
  r->blocks = blocks;
  qs_accum_shape shape = r->shape;
  shape.scope = QS_ACCUM_BLOCK;
  *slot = blocks + (size_t)r->n_blocks * n;
  const qs_accum_type *types[QS_ENSEMBLE_MAX_ACCUMS];
  for (size_t a = 0; a < n; a++)
    types[a] = r->accums[a].type;
  qs_status st = qs_accum_set_alloc(*slot, types, r->n_accums, &shape);
  if (st == QS_OK)
    r->n_blocks++;
  return st;
}

const void *qs_ensemble_accum(const qs_ensemble_result *res, const char *name)
{
  for (int a = 0; res && name && a < res->n_accums; a++)
    if (strcmp(res->accums[a].type->name, name) == 0)
      return res->accums[a].state;
  return NULL;
}

void qs_ensemble_result_sync(qs_ensemble_result *r)
{
  const qs_accum_trajectories *tr = qs_ensemble_accum(r, "trajectories");
  const qs_accum_moments *mo = qs_ensemble_accum(r, "moments");
  const qs_accum_moments *av = qs_ensemble_accum(r, "time_average");
  const qs_accum_rho *rho = qs_ensemble_accum(r, "rho");
  const qs_accum_rho_average *ra = qs_ensemble_accum(r, "rho_average");
  const qs_accum_jump_counts *jc = qs_ensemble_accum(r, "jump_counts");
  r->n_times = r->shape.n_times;
  r->n_obs = r->shape.n_obs;
  r->n_avg = r->shape.n_avg;
  r->dim = r->shape.dim;
  r->n_channels = r->shape.n_channels;
  if (tr) {
    r->ntraj = tr->ntraj;
    r->work = tr->work;
    memcpy(r->group_ntraj, tr->group_ntraj, sizeof r->group_ntraj);
  }
  r->obs_sum = mo ? mo->sum : NULL;
  r->obs_sq_re = mo ? mo->sq_re : NULL;
  r->obs_sq_im = mo ? mo->sq_im : NULL;
  r->avg_sum = av ? av->sum : NULL;
  r->avg_sq_re = av ? av->sq_re : NULL;
  r->avg_sq_im = av ? av->sq_im : NULL;
  r->rho_sum = rho ? rho->sum : NULL;
  r->rho_avg_sum = ra ? ra->sum : NULL;
  r->rho_avg_group = ra ? ra->groups : NULL;
  r->jump_count = jc ? jc->count : NULL;
}

static qs_status check_options(const qs_model *m, const qs_ensemble_options *o,
                               char *msg, size_t msglen)
{
  (void)m; /* the memory of store_rho is the caller's estimate (resources.h) */
  if (o->ntraj < 1) {
    qs_set_message(msg, msglen, "ntraj = %ld: expected ntraj >= 1", o->ntraj);
    return QS_ERR_INVALID;
  }
  if (o->first_index < 0) {
    qs_set_message(msg, msglen, "first_index = %ld: expected >= 0", o->first_index);
    return QS_ERR_INVALID;
  }
  if (o->threads < 0) {
    qs_set_message(msg, msglen, "threads = %d: expected threads >= 1", o->threads);
    return QS_ERR_INVALID;
  }
  if (o->n_times < 1 || !o->times || !(o->times[0] >= 0.0)) {
    qs_set_message(msg, msglen, "expected at least one output time, the first >= 0");
    return QS_ERR_INVALID;
  }
  for (int t = 1; t < o->n_times; t++)
    if (!(o->times[t] > o->times[t - 1])) {
      qs_set_message(msg, msglen, "output times must increase strictly");
      return QS_ERR_INVALID;
    }
  if (!(o->burn_in <= o->times[o->n_times - 1]) || !(o->burn_in >= 0.0)) {
    qs_set_message(msg, msglen, "burn_in = %g: expected 0 <= burn_in <= last output time %g",
            o->burn_in, o->times[o->n_times - 1]);
    return QS_ERR_INVALID;
  }
  if (!(o->target_stderr >= 0.0)) {
    qs_set_message(msg, msglen, "target_stderr = %g: expected >= 0 (0: off)",
                   o->target_stderr);
    return QS_ERR_INVALID;
  }
  if (o->n_accums < 0 || (o->n_accums > 0 && !o->accums) ||
      o->n_accums > QS_ENSEMBLE_MAX_ACCUMS - 9) {
    qs_set_message(msg, msglen, "n_accums = %d: expected 0..%d accumulator types",
                   o->n_accums, QS_ENSEMBLE_MAX_ACCUMS - 9);
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

/* The accumulator types of a run: built-in ones by option, then the
 * caller's.  Returns their number (<= QS_ENSEMBLE_MAX_ACCUMS). */
static int run_types(const qs_ensemble_options *o, const qs_accum_type **types)
{
  int n = 0;
  types[n++] = &qs_accum_type_trajectories;
  types[n++] = &qs_accum_type_moments;
  types[n++] = &qs_accum_type_time_average;
  types[n++] = &qs_accum_type_jump_counts;
  if (o->store_rho) {
    types[n++] = &qs_accum_type_rho;
    types[n++] = &qs_accum_type_rho_average;
  }
  if (o->record_jumps)
    types[n++] = &qs_accum_type_jump_records;
  /* The error-bar accumulators come after the older built-in ones, so that
   * a run.h5's list of accumulators only grows (tests/regress.sh). */
  types[n++] = &qs_accum_type_time_average_groups;
  if (o->store_rho && o->rho_stderr)
    types[n++] = &qs_accum_type_rho_squares;
  for (int k = 0; k < o->n_accums; k++)
    types[n++] = o->accums[k];
  return n;
}

static qs_accum_shape run_shape(const qs_model *m, const qs_ensemble_options *o)
{
  qs_accum_shape s = {.n_times = o->n_times, .times = o->times, .n_obs = m->n_obs,
                      .dim = m->space.total, .n_channels = m->n_c,
                      .scope = QS_ACCUM_BLOCK};
  for (int t = 0; t < o->n_times; t++)
    s.n_avg += o->times[t] >= o->burn_in;
  return s;
}

/* What the tasks of one run share; slots[k] receives trajectory k of the
 * current block, worker w uses trajs[w], psi and obs of worker w. */
typedef struct {
  const qs_model *model;
  const qs_ensemble_options *opt;
  int n_accums;
  qs_accum *slots;          /* QS_ENSEMBLE_BLOCK sets */
  qs_traj **trajs;          /* one per worker */
  double complex *psi, *obs;
  long first;               /* index of the block's first trajectory */
} ensemble_work;

/* Advance to output time t, telling the accumulators of every jump. */
static qs_status evolve_recording_jumps(qs_traj *tr, double t, qs_accum *set, int n,
                                        long index)
{
  qs_status st;
  while ((st = qs_traj_step(tr, t, NULL)) == QS_JUMPED) {
    double t_jump;
    int channel;
    qs_traj_last_jump(tr, &t_jump, &channel);
    qs_accum_set_jump(set, n, index, t_jump, channel);
  }
  return st;
}

/* Task k of a block: integrate trajectory first + k into slot k. */
static qs_status run_trajectory(long k, int worker, void *data)
{
  const ensemble_work *w = data;
  const qs_model *m = w->model;
  const qs_ensemble_options *o = w->opt;
  qs_traj *tr = w->trajs[worker];
  qs_accum *set = w->slots + k * w->n_accums;
  double complex *psi = w->psi + (size_t)worker * (size_t)m->space.total;
  double complex *obs = w->obs + (size_t)worker * (size_t)m->n_obs;
  long index = w->first + k;
  qs_accum_set_reset(set, w->n_accums);
  qs_status st = qs_traj_start(tr, NULL, 0.0, o->seed, (uint64_t)index);
  for (int t = 0; t < o->n_times && st == QS_OK; t++) {
    st = evolve_recording_jumps(tr, o->times[t], set, w->n_accums, index);
    if (st != QS_OK)
      break;
    qs_traj_state(tr, psi);
    if (m->frame_rate)  /* report in the model's frame (see model.h) */
      qs_model_frame_state(m, o->times[t], psi);
    for (int i = 0; i < m->n_obs; i++)
      obs[i] = qs_op_expect(m->obs[i], psi);
    qs_accum_sample sample = {t, o->times[t], o->times[t] >= o->burn_in, psi, obs};
    qs_accum_set_sample(set, w->n_accums, &sample);
  }
  qs_traj_stats work;
  qs_traj_get_stats(tr, &work);
  /* The block as this run cuts it (first_index need not be a multiple of
   * QS_ENSEMBLE_BLOCK): all of a block's trajectories share one group. */
  qs_accum_end end = {index, w->first / QS_ENSEMBLE_BLOCK, &work};
  qs_accum_set_finish(set, w->n_accums, &end);
  return st;
}

static void work_free(ensemble_work *w, int workers)
{
  for (int k = 0; w->trajs && k < workers; k++)
    qs_traj_destroy(&w->trajs[k]);
  for (int k = 0; w->slots && k < QS_ENSEMBLE_BLOCK; k++)
    qs_accum_set_free(w->slots + k * w->n_accums, w->n_accums);
  free(w->slots);
  free(w->trajs);
  free(w->psi);
  free(w->obs);
}

/* Per-worker trajectories and state vectors, per-slot accumulator sets. */
static qs_status work_alloc(ensemble_work *w, int workers, const qs_accum_type *const *types,
                            const qs_accum_shape *shape, const qs_traj_options *traj_opt)
{
  const qs_model *m = w->model;
  w->slots = calloc((size_t)QS_ENSEMBLE_BLOCK * (size_t)w->n_accums, sizeof *w->slots);
  w->trajs = calloc((size_t)workers, sizeof *w->trajs);
  w->psi = calloc((size_t)workers * (size_t)m->space.total, sizeof *w->psi);
  w->obs = calloc((size_t)workers * (size_t)(m->n_obs > 0 ? m->n_obs : 1), sizeof *w->obs);
  qs_status st = w->slots && w->trajs && w->psi && w->obs ? QS_OK : QS_ERR_NOMEM;
  for (int k = 0; k < QS_ENSEMBLE_BLOCK && st == QS_OK; k++)
    st = qs_accum_set_alloc(w->slots + k * w->n_accums, types, w->n_accums, shape);
  for (int k = 0; k < workers && st == QS_OK; k++)
    st = qs_traj_create(m, traj_opt, &w->trajs[k]);
  return st;
}

static int result_finite(const qs_ensemble_result *r)
{
  size_t n = (size_t)r->n_times * (size_t)r->n_obs;
  for (size_t i = 0; i < n; i++)
    if (!isfinite(creal(r->obs_sum[i])) || !isfinite(cimag(r->obs_sum[i])))
      return 0;
  for (int k = 0; k < r->n_obs; k++)
    if (!isfinite(creal(r->avg_sum[k])) || !isfinite(cimag(r->avg_sum[k])))
      return 0;
  return 1;
}

/* Sum a block's n trajectories in trajectory order into `block`. */
static qs_status sum_block(const ensemble_work *w, qs_accum *block, long n)
{
  qs_accum_set_reset(block, w->n_accums);
  qs_status st = QS_OK;
  for (long k = 0; k < n && st == QS_OK; k++)
    st = qs_accum_set_add(block, w->slots + k * w->n_accums, w->n_accums);
  return st;
}

/* Add a block's sums to the totals (and keep a copy when asked): the one
 * place where the totals grow, in block order. */
static qs_status add_block(qs_ensemble_result *res, const qs_accum *block, int n_accums,
                           int keep)
{
  qs_status st = qs_accum_set_add(res->accums, block, n_accums);
  qs_accum *kept = NULL;
  if (st == QS_OK && keep)
    st = qs_ensemble_result_add_block(res, &kept);
  if (st == QS_OK && kept)
    st = qs_accum_set_add(kept, block, n_accums);
  qs_ensemble_result_sync(res);
  return st;
}

/* Trajectories of block b (counted from the run's first trajectory). */
static long block_size(const qs_ensemble_options *o, long b)
{
  long first = b * QS_ENSEMBLE_BLOCK;
  return o->ntraj - first < QS_ENSEMBLE_BLOCK ? o->ntraj - first : QS_ENSEMBLE_BLOCK;
}

/* Integrate block b through the farm and sum it into `block`. */
static qs_status compute_block(ensemble_work *w, long b, qs_accum *block)
{
  const qs_ensemble_options *o = w->opt;
  qs_farm_options farm = qs_farm_default_options();
  farm.threads = o->threads;
  long n = block_size(o, b);
  w->first = o->first_index + b * QS_ENSEMBLE_BLOCK;
  qs_status st = qs_farm_run(n, run_trajectory, w, &farm, NULL);
  return st == QS_OK ? sum_block(w, block, n) : st;
}

/* Rank > 0: its block's sums (or its failure and message) to rank 0. */
static qs_status send_block(const qs_accum *block, int n_accums, qs_status st,
                            const char *msg)
{
  void *bytes = NULL;
  size_t len = 0;
  if (st == QS_OK)
    st = qs_accum_set_pack(block, n_accums, &bytes, &len);
  qs_status sent = st == QS_OK ? qs_dist_send(QS_OK, bytes, len)
                               : qs_dist_send(st, msg ? msg : "", msg ? strlen(msg) + 1 : 1);
  free(bytes);
  return st == QS_OK ? sent : st;
}

/* Rank 0: block sums of rank `from` into `block`, or its failure. */
static qs_status receive_block(qs_accum *block, int n_accums, int from, long b, char *msg,
                               size_t msglen)
{
  qs_status sent = QS_OK;
  void *bytes = NULL;
  size_t len = 0;
  qs_status st = qs_dist_recv(from, &sent, &bytes, &len);
  if (st == QS_OK && sent != QS_OK) {
    st = sent;
    if (len > 0 && ((char *)bytes)[len - 1] == '\0' && ((char *)bytes)[0])
      qs_set_message(msg, msglen, "rank %d: %s", from, (char *)bytes);
    else /* a trajectory's failure carries no text: say where it happened */
      qs_set_message(msg, msglen, "in block %ld (trajectories from %ld) on rank %d", b,
                     b * QS_ENSEMBLE_BLOCK, from);
  } else if (st == QS_OK) {
    st = qs_accum_set_unpack(block, n_accums, bytes, len);
  }
  free(bytes);
  return st;
}

/* Whether the run stops at this block boundary, and why.  The target test
 * reads only the merged totals, which rank 0 sums in block order: the same
 * bits, hence the same decision, for any thread and rank count. */
static int stop_here(qs_ensemble_result *res, const qs_ensemble_options *o)
{
  if (o->target_stderr > 0.0 &&
      qs_ensemble_target_stderr(res, o->target_obs) < o->target_stderr) {
    res->stop_reason = QS_STOP_TARGET;
    return 1;
  }
  if (o->stop_requested && o->stop_requested(o->stop_data)) {
    res->stop_reason = QS_STOP_REQUESTED;
    return 1;
  }
  return 0;
}

/* After block b on rank 0: progress, then unless b was the last block the
 * stop test (*done = 1) and the checkpoint hook (which may stop the run). */
static qs_status after_block(qs_ensemble_result *res, const qs_ensemble_options *o,
                             long b, long n_blocks, int *done)
{
  if (o->progress)
    o->progress(res->ntraj, o->ntraj, o->progress_data);
  if (b + 1 < n_blocks && stop_here(res, o)) {
    *done = 1;
    return QS_OK;
  }
  return o->checkpoint && b + 1 < n_blocks ? o->checkpoint(res, o->checkpoint_data) : QS_OK;
}

/* Block b where this rank is part of a distributed run: computed here
 * when this rank owns it, received by rank 0 otherwise; rank 0 adds it. */
static qs_status distributed_block(qs_ensemble_result *res, ensemble_work *w, qs_accum *block,
                                   long b, char *msg, size_t msglen)
{
  int rank = qs_dist_rank(), owner = qs_dist_owner(b);
  qs_status st = QS_OK;
  if (owner == rank)
    st = compute_block(w, b, block);
  if (rank > 0)
    return owner == rank ? send_block(block, w->n_accums, st, msg) : QS_OK;
  if (owner != rank)
    st = receive_block(block, w->n_accums, owner, b, msg, msglen);
  return st == QS_OK ? add_block(res, block, w->n_accums, w->opt->keep_blocks) : st;
}

/* Blocks from `first_block` on, in block order; spread over the ranks when
 * the run is distributed (rank 0 stops the others after a failure or a
 * stop, then collects every rank's last messages). */
static qs_status run_blocks(qs_ensemble_result *res, ensemble_work *w, qs_accum *block,
                            long first_block, qs_status setup, char *msg, size_t msglen)
{
  const qs_ensemble_options *o = w->opt;
  int ranks = o->distribute ? qs_dist_size() : 1, rank = ranks > 1 ? qs_dist_rank() : 0;
  long n_blocks = (o->ntraj + QS_ENSEMBLE_BLOCK - 1) / QS_ENSEMBLE_BLOCK;
  qs_status st = setup;
  int done = 0;
  res->stop_reason = QS_STOP_NTRAJ;
  /* A rank > 0 that could not start reports it in place of its first block. */
  for (long b = first_block; rank > 0 && st != QS_OK && b < n_blocks; b++)
    if (qs_dist_owner(b) == rank) {
      send_block(NULL, 0, st, msg);
      break;
    }
  for (long b = first_block; b < n_blocks && st == QS_OK && !done; b++) {
    if (ranks == 1) {
      st = compute_block(w, b, block);
      if (st == QS_OK)
        st = add_block(res, block, w->n_accums, o->keep_blocks);
    } else if (rank > 0 && qs_dist_stop_requested()) {
      break;
    } else {
      st = distributed_block(res, w, block, b, msg, msglen);
    }
    if (st == QS_OK && rank == 0)
      st = after_block(res, o, b, n_blocks, &done);
  }
  if (ranks == 1)
    return st;
  if (rank > 0)
    qs_dist_send_done();
  else {
    if (st != QS_OK || done)
      qs_dist_stop_others();
    qs_dist_drain();
  }
  return st;
}

/* Copy the checkpointed totals `from` into res's (bit for bit: through
 * the raw-sum bytes, not an addition); the first block still to run. */
static qs_status resume_totals(qs_ensemble_result *res, const qs_ensemble_result *from,
                               const qs_ensemble_options *o, long *first_block, char *msg,
                               size_t msglen)
{
  *first_block = 0;
  if (!from)
    return QS_OK;
  int same = from->n_accums == res->n_accums && from->n_times == res->n_times &&
             from->n_obs == res->n_obs && from->dim == res->dim &&
             from->first_index == o->first_index && from->seed == o->seed;
  for (int a = 0; same && a < res->n_accums; a++)
    same = strcmp(from->accums[a].type->name, res->accums[a].type->name) == 0;
  if (!same || o->keep_blocks || from->ntraj > o->ntraj ||
      (from->ntraj % QS_ENSEMBLE_BLOCK != 0 && from->ntraj != o->ntraj)) {
    qs_set_message(msg, msglen, "the checkpoint (%ld trajectories) is not a prefix of this "
                   "run (%ld trajectories from %ld, seed %llu)", from->ntraj, o->ntraj,
                   o->first_index, (unsigned long long)o->seed);
    return QS_ERR_INVALID;
  }
  void *bytes = NULL;
  size_t len = 0;
  qs_status st = qs_accum_set_pack(from->accums, from->n_accums, &bytes, &len);
  if (st == QS_OK)
    st = qs_accum_set_unpack(res->accums, res->n_accums, bytes, len);
  free(bytes);
  qs_ensemble_result_sync(res);
  *first_block = (res->ntraj + QS_ENSEMBLE_BLOCK - 1) / QS_ENSEMBLE_BLOCK;
  return st;
}

qs_status qs_ensemble_run(const qs_model *model, const qs_traj_options *traj_opt,
                          const qs_ensemble_options *opt,
                          qs_ensemble_result **out, char *msg, size_t msglen)
{
  if (!model || !opt || !out)
    return QS_ERR_INVALID;
  *out = NULL;
  qs_status st = check_options(model, opt, msg, msglen);
  if (st != QS_OK)
    return st;
  const qs_accum_type *types[QS_ENSEMBLE_MAX_ACCUMS];
  int n_types = run_types(opt, types);
  qs_accum_shape shape = run_shape(model, opt);
  qs_ensemble_result *res = NULL;
  st = qs_ensemble_result_new(&shape, types, n_types, opt->seed, opt->first_index, &res);
  if (st != QS_OK)
    return st;
  qs_farm_options farm = qs_farm_default_options();
  farm.threads = opt->threads;
  int workers = qs_farm_workers(&farm);
  ensemble_work w = {.model = model, .opt = opt, .n_accums = n_types};
  qs_accum block[QS_ENSEMBLE_MAX_ACCUMS];
  int have_block = 0;
  /* integrator = auto: chosen once here rather than by every worker (the
   * exact integrator's check costs a decomposition) */
  qs_traj_options chosen = traj_opt ? *traj_opt : qs_traj_default_options();
  chosen.integrator = qs_traj_choose_integrator(model, &chosen, NULL, 0);
  st = work_alloc(&w, workers, types, &shape, &chosen);
  if (st == QS_OK)
    st = qs_accum_set_alloc(block, types, n_types, &shape);
  have_block = st == QS_OK;
  long first_block = 0;
  int distributed = opt->distribute && qs_dist_size() > 1;
  if (st == QS_OK)
    st = resume_totals(res, opt->resume, opt, &first_block, msg, msglen);
  if (distributed) /* only rank 0 reads a checkpoint */
    first_block = qs_dist_share(first_block);
  if (st == QS_OK || distributed)
    st = run_blocks(res, &w, block, first_block, st, msg, msglen);
  if (st == QS_OK && !result_finite(res))
    st = QS_ERR_NUMERIC;
  if (distributed)
    st = (qs_status)qs_dist_share(st); /* every rank ends with rank 0's verdict */
  if (have_block)
    qs_accum_set_free(block, n_types);
  work_free(&w, workers);
  if (st < 0) {
    qs_ensemble_result_destroy(&res);
    return st;
  }
  *out = res;
  return st;
}

static int same_accumulators(const qs_ensemble_result *a, const qs_ensemble_result *b)
{
  if (a->n_times != b->n_times || a->n_obs != b->n_obs || a->dim != b->dim ||
      a->n_accums != b->n_accums)
    return 0;
  for (int k = 0; k < a->n_accums; k++)
    if (a->accums[k].type != b->accums[k].type)
      return 0;
  return 1;
}

/* Other's blocks one by one (and into's kept copies), as one run adds them. */
static qs_status merge_blocks(qs_ensemble_result *into, const qs_ensemble_result *other)
{
  int n = into->n_accums, keep = into->n_blocks > 0;
  qs_status st = QS_OK;
  for (long b = 0; b < other->n_blocks && st == QS_OK; b++) {
    const qs_accum *block = other->blocks + b * n;
    st = qs_accum_set_add(into->accums, block, n);
    qs_accum *kept = NULL;
    if (st == QS_OK && keep)
      st = qs_ensemble_result_add_block(into, &kept);
    if (st == QS_OK && kept)
      st = qs_accum_set_add(kept, block, n);
  }
  return st;
}

qs_status qs_ensemble_merge(qs_ensemble_result *into, const qs_ensemble_result *other)
{
  if (!into || !other)
    return QS_ERR_INVALID;
  if (!same_accumulators(into, other))
    return QS_ERR_DIMENSION;
  if (other->n_blocks == 0)
    drop_blocks(into);
  qs_status st = other->n_blocks > 0 ? merge_blocks(into, other)
                                     : qs_accum_set_add(into->accums, other->accums,
                                                        into->n_accums);
  qs_ensemble_result_sync(into);
  return st;
}

/* Delete-a-group jackknife of f over the n-element sums `total` split
 * into `groups` ([g * n + i]): f sees the means without group g. */
typedef qs_status (*mean_function)(const double complex *mean, double *value, void *data);

static qs_status jackknife_groups(const qs_ensemble_result *res, size_t n,
                                  const double complex *total, const double complex *groups,
                                  mean_function f, void *data, double *plain,
                                  double *corrected, double *se)
{
  double complex *mean = malloc((n ? n : 1) * sizeof *mean);
  double theta_g[QS_ENSEMBLE_GROUPS];
  int n_groups = 0;
  qs_status st = mean ? QS_OK : QS_ERR_NOMEM;
  for (size_t i = 0; st == QS_OK && i < n; i++)
    mean[i] = total[i] / (double)res->ntraj;
  if (st == QS_OK)
    st = f(mean, plain, data);
  for (int g = 0; st == QS_OK && g < QS_ENSEMBLE_GROUPS; g++) {
    long rest = res->ntraj - res->group_ntraj[g];
    if (res->group_ntraj[g] == 0 || rest == 0)
      continue;
    const double complex *grp = groups + (size_t)g * n;
    for (size_t i = 0; i < n; i++)
      mean[i] = (total[i] - grp[i]) / (double)rest;
    st = f(mean, &theta_g[n_groups++], data);
  }
  free(mean);
  if (st == QS_OK && n_groups < 2)
    st = QS_ERR_INVALID;
  if (st != QS_OK)
    return st;
  double avg = 0.0, ss = 0.0;
  for (int g = 0; g < n_groups; g++)
    avg += theta_g[g] / n_groups;
  for (int g = 0; g < n_groups; g++)
    ss += (theta_g[g] - avg) * (theta_g[g] - avg);
  *corrected = n_groups * *plain - (n_groups - 1) * avg;
  *se = sqrt((double)(n_groups - 1) / n_groups * ss);
  return QS_OK;
}

qs_status qs_ensemble_jackknife(const qs_ensemble_result *res, qs_rho_function f,
                                void *data, double *plain, double *corrected,
                                double *se)
{
  if (!res || !f || !res->rho_avg_group || !plain || !corrected || !se)
    return QS_ERR_INVALID;
  return jackknife_groups(res, (size_t)(res->dim * res->dim), res->rho_avg_sum,
                          res->rho_avg_group, f, data, plain, corrected, se);
}

qs_status qs_ensemble_jackknife_obs(const qs_ensemble_result *res, qs_obs_function f,
                                    void *data, double *plain, double *corrected,
                                    double *se)
{
  const qs_accum_time_average_groups *a = qs_ensemble_accum(res, "time_average_groups");
  if (!res || !f || !a || !plain || !corrected || !se)
    return QS_ERR_INVALID;
  return jackknife_groups(res, (size_t)res->n_obs, a->sum, a->groups, f, data, plain,
                          corrected, se);
}

int qs_ensemble_groups_used(const qs_ensemble_result *res)
{
  int n = 0;
  for (int g = 0; res && g < QS_ENSEMBLE_GROUPS; g++)
    n += res->group_ntraj[g] > 0 && res->group_ntraj[g] < res->ntraj;
  return n;
}

double complex qs_mean_of(double complex sum, long n)
{
  return n > 0 ? sum / (double)n : NAN;
}

/* Standard error of the mean of n samples with sum S and sum of squares Q:
 * sample variance (Q - S^2/n)/(n-1), divided by n. */
static double stderr_part(double s, double q, long n)
{
  if (n < 2)
    return NAN;
  double var = (q - s * s / (double)n) / (double)(n - 1);
  return sqrt(fmax(var, 0.0) / (double)n);
}

double complex qs_stderr_of(double complex sum, double sq_re, double sq_im, long n)
{
  return CMPLX(stderr_part(creal(sum), sq_re, n), stderr_part(cimag(sum), sq_im, n));
}

double qs_ensemble_target_stderr(const qs_ensemble_result *res,
                                 const unsigned char *target_obs)
{
  if (!res || res->ntraj < 2)
    return NAN;
  double worst = 0.0;
  for (int k = 0; k < res->n_obs; k++) {
    if (target_obs && !target_obs[k])
      continue;
    double complex se = qs_stderr_of(res->avg_sum[k], res->avg_sq_re[k], res->avg_sq_im[k],
                                     res->ntraj);
    if (isnan(creal(se)) || isnan(cimag(se)))
      return NAN;
    worst = fmax(worst, fmax(creal(se), cimag(se)));
  }
  return worst;
}

const char *qs_stop_reason_name(qs_stop_reason reason)
{
  switch (reason) {
  case QS_STOP_NTRAJ:
    return "ntraj";
  case QS_STOP_TARGET:
    return "target_stderr";
  case QS_STOP_REQUESTED:
    return "max_wall";
  }
  return "unknown";
}

qs_status qs_ensemble_rho_stderr(const qs_ensemble_result *res, double complex *se_t,
                                 double complex *se_avg)
{
  const qs_accum_rho_squares *sq = qs_ensemble_accum(res, "rho_squares");
  if (!res || !sq || !res->rho_sum || !res->rho_avg_sum)
    return QS_ERR_INVALID;
  size_t n2 = (size_t)(res->dim * res->dim), nt = (size_t)res->n_times * n2;
  for (size_t e = 0; se_t && e < nt; e++)
    se_t[e] = qs_stderr_of(res->rho_sum[e], sq->sq_re[e], sq->sq_im[e], res->ntraj);
  for (size_t e = 0; se_avg && e < n2; e++)
    se_avg[e] = qs_stderr_of(res->rho_avg_sum[e], sq->avg_sq_re[e], sq->avg_sq_im[e],
                             res->ntraj);
  return QS_OK;
}
