/* The built-in accumulator types and accumulator sets; see
 * include/qsync/accum.h. */
#include "accum_impl.h"

#include <stdlib.h>
#include <string.h>

/* ---- Sets of instances (one per type) ------------------------------------ */

void qs_accum_set_free(qs_accum *set, int n)
{
  for (int i = 0; set && i < n; i++) {
    if (set[i].type && set[i].state)
      set[i].type->destroy(set[i].state);
    set[i].state = NULL;
  }
}

qs_status qs_accum_set_alloc(qs_accum *set, const qs_accum_type *const *types, int n,
                             const qs_accum_shape *shape)
{
  for (int i = 0; i < n; i++)
    set[i] = (qs_accum){types[i], NULL};
  for (int i = 0; i < n; i++) {
    qs_status st = types[i]->alloc(shape, &set[i].state);
    if (st != QS_OK) {
      qs_accum_set_free(set, n);
      return st;
    }
  }
  return QS_OK;
}

void qs_accum_set_reset(qs_accum *set, int n)
{
  for (int i = 0; i < n; i++)
    set[i].type->reset(set[i].state);
}

void qs_accum_set_sample(qs_accum *set, int n, const qs_accum_sample *s)
{
  for (int i = 0; i < n; i++)
    if (set[i].type->sample)
      set[i].type->sample(set[i].state, s);
}

void qs_accum_set_jump(qs_accum *set, int n, long index, double t, int channel)
{
  for (int i = 0; i < n; i++)
    if (set[i].type->jump)
      set[i].type->jump(set[i].state, index, t, channel);
}

void qs_accum_set_finish(qs_accum *set, int n, const qs_accum_end *end)
{
  for (int i = 0; i < n; i++)
    if (set[i].type->finish)
      set[i].type->finish(set[i].state, end);
}

qs_status qs_accum_set_add(qs_accum *into, const qs_accum *from, int n)
{
  qs_status st = QS_OK;
  for (int i = 0; i < n && st == QS_OK; i++)
    st = into[i].type->add(into[i].state, from[i].state);
  return st;
}

static const qs_accum_type *const builtin[] = {
    &qs_accum_type_trajectories, &qs_accum_type_moments, &qs_accum_type_time_average,
    &qs_accum_type_rho,          &qs_accum_type_rho_average, &qs_accum_type_jump_counts,
    &qs_accum_type_jump_records, &qs_accum_type_time_average_groups,
    &qs_accum_type_rho_squares};

const qs_accum_type *qs_accum_find_type(const char *name, const qs_accum_type *const *extra,
                                        int n_extra)
{
  for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
    if (strcmp(builtin[i]->name, name) == 0)
      return builtin[i];
  for (int i = 0; i < n_extra; i++)
    if (strcmp(extra[i]->name, name) == 0)
      return extra[i];
  return NULL;
}

/* ---- Small helpers -------------------------------------------------------- */

static size_t count_of(long n)
{
  return n > 0 ? (size_t)n : 1; /* calloc(0) may return NULL */
}

void qs_accum_add_doubles(double *into, const double *from, size_t n)
{
  for (size_t i = 0; i < n; i++)
    into[i] += from[i];
}

void qs_accum_add_complex(double complex *into, const double complex *from, size_t n)
{
  for (size_t i = 0; i < n; i++)
    into[i] += from[i];
}

static void add_longs(long *into, const long *from, size_t n)
{
  for (size_t i = 0; i < n; i++)
    into[i] += from[i];
}

qs_status qs_accum_put_complex(qs_accum_io *io, const char *name, size_t n,
                               const double complex *v)
{
  /* C11 6.2.5: double complex has the layout of double[2]. */
  return qs_accum_io_put(io, name, 2 * (long)n, (const double *)v);
}

qs_status qs_accum_get_complex(qs_accum_io *io, const char *name, size_t n, double complex *v)
{
  return qs_accum_io_get(io, name, 2 * (long)n, (double *)v);
}

qs_status qs_grouped_sum_add(const qs_grouped_sum *a, const qs_grouped_sum *b)
{
  size_t n = a->n;
  if (a->n != b->n)
    return QS_ERR_DIMENSION;
  if (a->scope == QS_ACCUM_BLOCK) {
    if (b->scope != QS_ACCUM_BLOCK || (*a->group >= 0 && *b->group >= 0 && *a->group != *b->group))
      return QS_ERR_DIMENSION;
    if (*b->group >= 0)
      *a->group = *b->group;
  } else if (b->scope == QS_ACCUM_BLOCK) {
    if (*b->group >= 0)
      qs_accum_add_complex(a->groups + (size_t)*b->group * n, b->sum, n);
  } else {
    qs_accum_add_complex(a->groups, b->groups, QS_ENSEMBLE_GROUPS * n);
  }
  qs_accum_add_complex(a->sum, b->sum, n);
  return QS_OK;
}

qs_status qs_grouped_sum_write(const qs_grouped_sum *g, qs_accum_io *io)
{
  qs_status st = qs_accum_put_complex(io, "sum", g->n, g->sum);
  if (st != QS_OK)
    return st;
  if (g->scope == QS_ACCUM_TOTAL)
    return qs_accum_put_complex(io, "groups", QS_ENSEMBLE_GROUPS * g->n, g->groups);
  long group = *g->group;
  return qs_accum_io_put_long(io, "group", 1, &group);
}

qs_status qs_grouped_sum_read(const qs_grouped_sum *g, qs_accum_io *io)
{
  qs_status st = qs_accum_get_complex(io, "sum", g->n, g->sum);
  if (st != QS_OK)
    return st;
  if (g->scope == QS_ACCUM_TOTAL)
    return qs_accum_get_complex(io, "groups", QS_ENSEMBLE_GROUPS * g->n, g->groups);
  long group = -1;
  st = qs_accum_io_get_long(io, "group", 1, &group);
  if (st == QS_OK && (group < -1 || group >= QS_ENSEMBLE_GROUPS))
    st = QS_ERR_DIMENSION;
  *g->group = (int)group;
  return st;
}

/* Add |psi><psi| (psi normalized) times weight to the column-major rho. */
static void add_projector(double complex *rho, const double complex *psi, qs_index dim,
                          double weight)
{
  /* Real arithmetic: C's complex product adds an Annex G NaN fix-up
   * branch per element (same values on finite data). */
  const double *p = (const double *)psi;
  for (qs_index j = 0; j < dim; j++) {
    const double cr = weight * p[2 * j], ci = -weight * p[2 * j + 1];
    double *col = (double *)(rho + j * dim);
    for (qs_index i = 0; i < dim; i++) {
      col[2 * i] += p[2 * i] * cr - p[2 * i + 1] * ci;
      col[2 * i + 1] += p[2 * i] * ci + p[2 * i + 1] * cr;
    }
  }
}

/* ---- trajectories --------------------------------------------------------- */

static qs_status trajectories_alloc(const qs_accum_shape *shape, void **state)
{
  (void)shape;
  *state = calloc(1, sizeof(qs_accum_trajectories));
  return *state ? QS_OK : QS_ERR_NOMEM;
}

static void trajectories_reset(void *state)
{
  memset(state, 0, sizeof(qs_accum_trajectories));
}

static void trajectories_finish(void *state, const qs_accum_end *end)
{
  qs_accum_trajectories *a = state;
  a->ntraj++;
  a->group_ntraj[end->block % QS_ENSEMBLE_GROUPS]++;
  a->work.steps += end->work->steps;
  a->work.rhs_evals += end->work->rhs_evals;
  a->work.root_evals += end->work->root_evals;
  a->work.jumps += end->work->jumps;
}

static void work_to_longs(const qs_traj_stats *w, long out[4])
{
  out[0] = w->steps;
  out[1] = w->rhs_evals;
  out[2] = w->root_evals;
  out[3] = w->jumps;
}

static qs_status trajectories_add(void *into, const void *from)
{
  qs_accum_trajectories *a = into;
  const qs_accum_trajectories *b = from;
  long wa[4], wb[4];
  work_to_longs(&a->work, wa);
  work_to_longs(&b->work, wb);
  add_longs(wa, wb, 4);
  a->work = (qs_traj_stats){wa[0], wa[1], wa[2], wa[3]};
  a->ntraj += b->ntraj;
  add_longs(a->group_ntraj, b->group_ntraj, QS_ENSEMBLE_GROUPS);
  return QS_OK;
}

static qs_status trajectories_write(const void *state, qs_accum_io *io)
{
  const qs_accum_trajectories *a = state;
  long w[4];
  work_to_longs(&a->work, w);
  qs_status st = qs_accum_io_put_long(io, "ntraj", 1, &a->ntraj);
  if (st == QS_OK)
    st = qs_accum_io_put_long(io, "group_ntraj", QS_ENSEMBLE_GROUPS, a->group_ntraj);
  return st == QS_OK ? qs_accum_io_put_long(io, "work", 4, w) : st;
}

static qs_status trajectories_read(void *state, qs_accum_io *io)
{
  qs_accum_trajectories *a = state;
  long w[4];
  qs_status st = qs_accum_io_get_long(io, "ntraj", 1, &a->ntraj);
  if (st == QS_OK)
    st = qs_accum_io_get_long(io, "group_ntraj", QS_ENSEMBLE_GROUPS, a->group_ntraj);
  if (st == QS_OK)
    st = qs_accum_io_get_long(io, "work", 4, w);
  a->work = (qs_traj_stats){w[0], w[1], w[2], w[3]};
  return st;
}

const qs_accum_type qs_accum_type_trajectories = {
    "trajectories", trajectories_alloc, trajectories_reset, NULL, NULL,
    trajectories_finish, trajectories_add, trajectories_write, trajectories_read, free};

/* ---- moments and time_average: sums, and sums of Re^2 and Im^2 ----------- */

/* Both types share the layout qs_accum_moments (time_average: one row);
 * only alloc, sample and finish differ. */
static size_t moments_size(const qs_accum_moments *a)
{
  return (size_t)a->n_rows * (size_t)a->n_obs;
}

static void moments_free(void *state)
{
  qs_accum_moments *a = state;
  if (a) {
    free(a->sum);
    free(a->sq_re);
    free(a->sq_im);
  }
  free(a);
}

static qs_status moments_new(int n_rows, const qs_accum_shape *s, void **state)
{
  qs_accum_moments *a = calloc(1, sizeof *a);
  if (!a)
    return QS_ERR_NOMEM;
  *a = (qs_accum_moments){n_rows, s->n_obs, s->n_avg, NULL, NULL, NULL};
  size_t n = count_of((long)moments_size(a));
  a->sum = calloc(n, sizeof *a->sum);
  a->sq_re = calloc(n, sizeof *a->sq_re);
  a->sq_im = calloc(n, sizeof *a->sq_im);
  if (!a->sum || !a->sq_re || !a->sq_im) {
    moments_free(a);
    return QS_ERR_NOMEM;
  }
  *state = a;
  return QS_OK;
}

static void moments_reset(void *state)
{
  qs_accum_moments *a = state;
  memset(a->sum, 0, moments_size(a) * sizeof *a->sum);
  memset(a->sq_re, 0, moments_size(a) * sizeof *a->sq_re);
  memset(a->sq_im, 0, moments_size(a) * sizeof *a->sq_im);
}

static qs_status moments_add(void *into, const void *from)
{
  qs_accum_moments *a = into;
  const qs_accum_moments *b = from;
  if (a->n_rows != b->n_rows || a->n_obs != b->n_obs)
    return QS_ERR_DIMENSION;
  qs_accum_add_complex(a->sum, b->sum, moments_size(a));
  qs_accum_add_doubles(a->sq_re, b->sq_re, moments_size(a));
  qs_accum_add_doubles(a->sq_im, b->sq_im, moments_size(a));
  return QS_OK;
}

static qs_status moments_write(const void *state, qs_accum_io *io)
{
  const qs_accum_moments *a = state;
  long n = (long)moments_size(a);
  qs_status st = qs_accum_put_complex(io, "sum", (size_t)n, a->sum);
  if (st == QS_OK)
    st = qs_accum_io_put(io, "sq_re", n, a->sq_re);
  return st == QS_OK ? qs_accum_io_put(io, "sq_im", n, a->sq_im) : st;
}

static qs_status moments_read(void *state, qs_accum_io *io)
{
  qs_accum_moments *a = state;
  long n = (long)moments_size(a);
  qs_status st = qs_accum_get_complex(io, "sum", (size_t)n, a->sum);
  if (st == QS_OK)
    st = qs_accum_io_get(io, "sq_re", n, a->sq_re);
  return st == QS_OK ? qs_accum_io_get(io, "sq_im", n, a->sq_im) : st;
}

static qs_status moments_alloc(const qs_accum_shape *s, void **state)
{
  return moments_new(s->n_times, s, state);
}

static void moments_sample(void *state, const qs_accum_sample *s)
{
  qs_accum_moments *a = state;
  for (int k = 0; k < a->n_obs; k++) {
    size_t i = (size_t)s->t_index * (size_t)a->n_obs + (size_t)k;
    double complex v = s->obs[k];
    a->sum[i] += v;
    a->sq_re[i] += creal(v) * creal(v);
    a->sq_im[i] += cimag(v) * cimag(v);
  }
}

const qs_accum_type qs_accum_type_moments = {
    "moments", moments_alloc, moments_reset, moments_sample, NULL,
    NULL,      moments_add,   moments_write, moments_read,   moments_free};

static qs_status time_average_alloc(const qs_accum_shape *s, void **state)
{
  return moments_new(1, s, state);
}

static void time_average_sample(void *state, const qs_accum_sample *s)
{
  qs_accum_moments *a = state;
  if (!s->in_avg)
    return;
  const int n_avg = a->n_avg;
  for (int k = 0; k < a->n_obs; k++)
    a->sum[k] += s->obs[k] / n_avg;
}

/* The squares of this trajectory's time averages (finish is called on a
 * per-trajectory instance, which holds one trajectory's averages). */
static void time_average_finish(void *state, const qs_accum_end *end)
{
  (void)end;
  qs_accum_moments *a = state;
  for (int k = 0; k < a->n_obs; k++) {
    a->sq_re[k] = creal(a->sum[k]) * creal(a->sum[k]);
    a->sq_im[k] = cimag(a->sum[k]) * cimag(a->sum[k]);
  }
}

const qs_accum_type qs_accum_type_time_average = {
    "time_average",      time_average_alloc, moments_reset, time_average_sample,
    NULL,                time_average_finish, moments_add,  moments_write,
    moments_read,        moments_free};

/* ---- rho ------------------------------------------------------------------ */

static size_t rho_size(const qs_accum_rho *a)
{
  return (size_t)a->n_times * (size_t)(a->dim * a->dim);
}

static void rho_free(void *state)
{
  qs_accum_rho *a = state;
  if (a)
    free(a->sum);
  free(a);
}

static qs_status rho_alloc(const qs_accum_shape *s, void **state)
{
  qs_accum_rho *a = calloc(1, sizeof *a);
  if (!a)
    return QS_ERR_NOMEM;
  a->n_times = s->n_times;
  a->dim = s->dim;
  a->sum = calloc(count_of((long)rho_size(a)), sizeof *a->sum);
  if (!a->sum) {
    rho_free(a);
    return QS_ERR_NOMEM;
  }
  *state = a;
  return QS_OK;
}

static void rho_reset(void *state)
{
  qs_accum_rho *a = state;
  memset(a->sum, 0, rho_size(a) * sizeof *a->sum);
}

static void rho_sample(void *state, const qs_accum_sample *s)
{
  qs_accum_rho *a = state;
  add_projector(a->sum + (size_t)s->t_index * (size_t)(a->dim * a->dim), s->psi, a->dim,
                1.0);
}

static qs_status rho_add(void *into, const void *from)
{
  qs_accum_rho *a = into;
  const qs_accum_rho *b = from;
  if (a->n_times != b->n_times || a->dim != b->dim)
    return QS_ERR_DIMENSION;
  qs_accum_add_complex(a->sum, b->sum, rho_size(a));
  return QS_OK;
}

static qs_status rho_write(const void *state, qs_accum_io *io)
{
  return qs_accum_put_complex(io, "sum", rho_size(state), ((const qs_accum_rho *)state)->sum);
}

static qs_status rho_read(void *state, qs_accum_io *io)
{
  return qs_accum_get_complex(io, "sum", rho_size(state), ((qs_accum_rho *)state)->sum);
}

const qs_accum_type qs_accum_type_rho = {"rho",   rho_alloc, rho_reset, rho_sample,
                                         NULL,    NULL,      rho_add,   rho_write,
                                         rho_read, rho_free};

/* ---- rho_average with its jackknife groups -------------------------------- */

static size_t dim2_of(const qs_accum_rho_average *a)
{
  return (size_t)(a->dim * a->dim);
}

static void rho_average_free(void *state)
{
  qs_accum_rho_average *a = state;
  if (a) {
    free(a->sum);
    free(a->groups);
  }
  free(a);
}

static qs_status rho_average_alloc(const qs_accum_shape *s, void **state)
{
  qs_accum_rho_average *a = calloc(1, sizeof *a);
  if (!a)
    return QS_ERR_NOMEM;
  *a = (qs_accum_rho_average){s->dim, s->scope, s->n_avg, -1, NULL, NULL};
  a->sum = calloc(dim2_of(a), sizeof *a->sum);
  int ok = a->sum != NULL;
  if (ok && a->scope == QS_ACCUM_TOTAL)
    ok = (a->groups = calloc(QS_ENSEMBLE_GROUPS * dim2_of(a), sizeof *a->groups)) != NULL;
  if (!ok) {
    rho_average_free(a);
    return QS_ERR_NOMEM;
  }
  *state = a;
  return QS_OK;
}

static void rho_average_reset(void *state)
{
  qs_accum_rho_average *a = state;
  memset(a->sum, 0, dim2_of(a) * sizeof *a->sum);
  if (a->groups)
    memset(a->groups, 0, QS_ENSEMBLE_GROUPS * dim2_of(a) * sizeof *a->groups);
  a->group = -1;
}

static void rho_average_sample(void *state, const qs_accum_sample *s)
{
  qs_accum_rho_average *a = state;
  if (s->in_avg)
    add_projector(a->sum, s->psi, a->dim, 1.0 / a->n_avg);
}

static void rho_average_finish(void *state, const qs_accum_end *end)
{
  qs_accum_rho_average *a = state;
  a->group = (int)(end->block % QS_ENSEMBLE_GROUPS);
}

/* The sum and its groups as a grouped sum (the jackknife split). */
static qs_grouped_sum rho_average_grouped(const qs_accum_rho_average *a)
{
  qs_accum_rho_average *m = (qs_accum_rho_average *)a;  /* the view writes through */
  return (qs_grouped_sum){a->scope, &m->group, m->sum, m->groups, dim2_of(a)};
}

static qs_status rho_average_add(void *into, const void *from)
{
  const qs_accum_rho_average *a = into, *b = from;
  if (a->dim != b->dim)
    return QS_ERR_DIMENSION;
  qs_grouped_sum ga = rho_average_grouped(a), gb = rho_average_grouped(b);
  return qs_grouped_sum_add(&ga, &gb);
}

static qs_status rho_average_write(const void *state, qs_accum_io *io)
{
  qs_grouped_sum g = rho_average_grouped(state);
  return qs_grouped_sum_write(&g, io);
}

static qs_status rho_average_read(void *state, qs_accum_io *io)
{
  qs_grouped_sum g = rho_average_grouped(state);
  return qs_grouped_sum_read(&g, io);
}

const qs_accum_type qs_accum_type_rho_average = {
    "rho_average",      rho_average_alloc, rho_average_reset,
    rho_average_sample, NULL,              rho_average_finish,
    rho_average_add,    rho_average_write, rho_average_read,
    rho_average_free};

/* ---- jump_counts ---------------------------------------------------------- */

static void jump_counts_free(void *state)
{
  qs_accum_jump_counts *a = state;
  if (a)
    free(a->count);
  free(a);
}

static qs_status jump_counts_alloc(const qs_accum_shape *s, void **state)
{
  qs_accum_jump_counts *a = calloc(1, sizeof *a);
  if (!a)
    return QS_ERR_NOMEM;
  a->n_channels = s->n_channels;
  a->count = calloc(count_of(s->n_channels), sizeof *a->count);
  if (!a->count) {
    jump_counts_free(a);
    return QS_ERR_NOMEM;
  }
  *state = a;
  return QS_OK;
}

static void jump_counts_reset(void *state)
{
  qs_accum_jump_counts *a = state;
  memset(a->count, 0, (size_t)a->n_channels * sizeof *a->count);
}

static void jump_counts_jump(void *state, long index, double t, int channel)
{
  (void)index;
  (void)t;
  qs_accum_jump_counts *a = state;
  if (channel >= 0 && channel < a->n_channels)
    a->count[channel]++;
}

static qs_status jump_counts_add(void *into, const void *from)
{
  qs_accum_jump_counts *a = into;
  const qs_accum_jump_counts *b = from;
  if (a->n_channels != b->n_channels)
    return QS_ERR_DIMENSION;
  add_longs(a->count, b->count, (size_t)a->n_channels);
  return QS_OK;
}

static qs_status jump_counts_write(const void *state, qs_accum_io *io)
{
  const qs_accum_jump_counts *a = state;
  return qs_accum_io_put_long(io, "count", a->n_channels, a->count);
}

static qs_status jump_counts_read(void *state, qs_accum_io *io)
{
  qs_accum_jump_counts *a = state;
  return qs_accum_io_get_long(io, "count", a->n_channels, a->count);
}

const qs_accum_type qs_accum_type_jump_counts = {
    "jump_counts",   jump_counts_alloc, jump_counts_reset, NULL,
    jump_counts_jump, NULL,             jump_counts_add,   jump_counts_write,
    jump_counts_read, jump_counts_free};

/* ---- jump_records --------------------------------------------------------- */

static void jump_records_free(void *state)
{
  qs_accum_jump_records *a = state;
  if (a) {
    free(a->traj);
    free(a->t);
    free(a->channel);
  }
  free(a);
}

static qs_status jump_records_alloc(const qs_accum_shape *s, void **state)
{
  qs_accum_jump_records *a = calloc(1, sizeof *a);
  if (!a)
    return QS_ERR_NOMEM;
  a->n_channels = s->n_channels;
  *state = a;
  return QS_OK;
}

static void jump_records_reset(void *state)
{
  ((qs_accum_jump_records *)state)->n = 0;
}

/* Room for n records (doubling, so appends cost O(1) on average). */
static qs_status jump_records_reserve(qs_accum_jump_records *a, long n)
{
  if (n <= a->capacity)
    return QS_OK;
  long cap = a->capacity > 0 ? a->capacity : 16;
  while (cap < n)
    cap *= 2;
  long *traj = realloc(a->traj, (size_t)cap * sizeof *traj);
  if (traj)
    a->traj = traj;
  double *t = realloc(a->t, (size_t)cap * sizeof *t);
  if (t)
    a->t = t;
  long *channel = realloc(a->channel, (size_t)cap * sizeof *channel);
  if (channel)
    a->channel = channel;
  if (!traj || !t || !channel)
    return QS_ERR_NOMEM;
  a->capacity = cap;
  return QS_OK;
}

/* A jump that cannot be stored (out of memory) marks the list invalid
 * (n = -1): add and write then fail instead of losing records silently. */
static void jump_records_jump(void *state, long index, double t, int channel)
{
  qs_accum_jump_records *a = state;
  if (a->n < 0)
    return;
  if (jump_records_reserve(a, a->n + 1) != QS_OK) {
    a->n = -1;
    return;
  }
  a->traj[a->n] = index;
  a->t[a->n] = t;
  a->channel[a->n] = channel;
  a->n++;
}

static qs_status jump_records_add(void *into, const void *from)
{
  qs_accum_jump_records *a = into;
  const qs_accum_jump_records *b = from;
  if (a->n < 0 || b->n < 0)
    return QS_ERR_NOMEM;
  if (jump_records_reserve(a, a->n + b->n) != QS_OK)
    return QS_ERR_NOMEM;
  memcpy(a->traj + a->n, b->traj, (size_t)b->n * sizeof *a->traj);
  memcpy(a->t + a->n, b->t, (size_t)b->n * sizeof *a->t);
  memcpy(a->channel + a->n, b->channel, (size_t)b->n * sizeof *a->channel);
  a->n += b->n;
  return QS_OK;
}

static qs_status jump_records_write(const void *state, qs_accum_io *io)
{
  const qs_accum_jump_records *a = state;
  if (a->n < 0)
    return QS_ERR_NOMEM;
  qs_status st = qs_accum_io_put_long(io, "trajectory", a->n, a->traj);
  if (st == QS_OK)
    st = qs_accum_io_put(io, "time", a->n, a->t);
  return st == QS_OK ? qs_accum_io_put_long(io, "channel", a->n, a->channel) : st;
}

static qs_status jump_records_read(void *state, qs_accum_io *io)
{
  qs_accum_jump_records *a = state;
  long n = 0;
  qs_status st = qs_accum_io_length(io, "trajectory", &n);
  if (st == QS_OK)
    st = jump_records_reserve(a, n);
  if (st == QS_OK)
    st = qs_accum_io_get_long(io, "trajectory", n, a->traj);
  if (st == QS_OK)
    st = qs_accum_io_get(io, "time", n, a->t);
  if (st == QS_OK)
    st = qs_accum_io_get_long(io, "channel", n, a->channel);
  a->n = st == QS_OK ? n : 0;
  return st;
}

const qs_accum_type qs_accum_type_jump_records = {
    "jump_records",   jump_records_alloc, jump_records_reset, NULL,
    jump_records_jump, NULL,              jump_records_add,   jump_records_write,
    jump_records_read, jump_records_free};
