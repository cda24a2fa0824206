/* The error-bar accumulators: the jackknife groups of the time-averaged
 * observables and the squares of the density-matrix elements; see
 * include/qsync/accum.h. */
#include "accum_impl.h"

#include <stdlib.h>
#include <string.h>

static qs_status put_complex(qs_accum_io *io, const char *name, size_t n,
                             const double complex *v)
{
  return qs_accum_io_put(io, name, 2 * (long)n, (const double *)v);
}

static qs_status get_complex(qs_accum_io *io, const char *name, size_t n, double complex *v)
{
  return qs_accum_io_get(io, name, 2 * (long)n, (double *)v);
}

static void add_complex(double complex *into, const double complex *from, size_t n)
{
  for (size_t i = 0; i < n; i++)
    into[i] += from[i];
}

static void add_doubles(double *into, const double *from, size_t n)
{
  for (size_t i = 0; i < n; i++)
    into[i] += from[i];
}

/* ---- time_average_groups -------------------------------------------------- */

static size_t n_obs_of(const qs_accum_time_average_groups *a)
{
  return a->n_obs > 0 ? (size_t)a->n_obs : 1;
}

static void tag_free(void *state)
{
  qs_accum_time_average_groups *a = state;
  if (a) {
    free(a->sum);
    free(a->groups);
  }
  free(a);
}

static qs_status tag_alloc(const qs_accum_shape *s, void **state)
{
  qs_accum_time_average_groups *a = calloc(1, sizeof *a);
  if (!a)
    return QS_ERR_NOMEM;
  *a = (qs_accum_time_average_groups){s->n_obs, s->n_avg, s->scope, -1, NULL, NULL};
  a->sum = calloc(n_obs_of(a), sizeof *a->sum);
  int ok = a->sum != NULL;
  if (ok && a->scope == QS_ACCUM_TOTAL)
    ok = (a->groups = calloc(QS_ENSEMBLE_GROUPS * n_obs_of(a), sizeof *a->groups)) != NULL;
  if (!ok) {
    tag_free(a);
    return QS_ERR_NOMEM;
  }
  *state = a;
  return QS_OK;
}

static void tag_reset(void *state)
{
  qs_accum_time_average_groups *a = state;
  memset(a->sum, 0, n_obs_of(a) * sizeof *a->sum);
  if (a->groups)
    memset(a->groups, 0, QS_ENSEMBLE_GROUPS * n_obs_of(a) * sizeof *a->groups);
  a->group = -1;
}

/* The same operations as "time_average", so the sums have its bits. */
static void tag_sample(void *state, const qs_accum_sample *s)
{
  qs_accum_time_average_groups *a = state;
  if (!s->in_avg)
    return;
  for (int k = 0; k < a->n_obs; k++)
    a->sum[k] += s->obs[k] / a->n_avg;
}

static void tag_finish(void *state, const qs_accum_end *end)
{
  qs_accum_time_average_groups *a = state;
  a->group = (int)(end->block % QS_ENSEMBLE_GROUPS);
}

/* As rho_average_add: a block joins one group, a total files a block's
 * sum under its group or adds another total group by group. */
static qs_status tag_add(void *into, const void *from)
{
  qs_accum_time_average_groups *a = into;
  const qs_accum_time_average_groups *b = from;
  size_t n = n_obs_of(a);
  if (a->n_obs != b->n_obs)
    return QS_ERR_DIMENSION;
  if (a->scope == QS_ACCUM_BLOCK) {
    if (b->scope != QS_ACCUM_BLOCK || (a->group >= 0 && b->group >= 0 && a->group != b->group))
      return QS_ERR_DIMENSION;
    if (b->group >= 0)
      a->group = b->group;
  } else if (b->scope == QS_ACCUM_BLOCK) {
    if (b->group >= 0)
      add_complex(a->groups + (size_t)b->group * n, b->sum, n);
  } else {
    add_complex(a->groups, b->groups, QS_ENSEMBLE_GROUPS * n);
  }
  add_complex(a->sum, b->sum, n);
  return QS_OK;
}

static qs_status tag_write(const void *state, qs_accum_io *io)
{
  const qs_accum_time_average_groups *a = state;
  qs_status st = put_complex(io, "sum", n_obs_of(a), a->sum);
  if (st != QS_OK)
    return st;
  if (a->scope == QS_ACCUM_TOTAL)
    return put_complex(io, "groups", QS_ENSEMBLE_GROUPS * n_obs_of(a), a->groups);
  long group = a->group;
  return qs_accum_io_put_long(io, "group", 1, &group);
}

static qs_status tag_read(void *state, qs_accum_io *io)
{
  qs_accum_time_average_groups *a = state;
  qs_status st = get_complex(io, "sum", n_obs_of(a), a->sum);
  if (st != QS_OK)
    return st;
  if (a->scope == QS_ACCUM_TOTAL)
    return get_complex(io, "groups", QS_ENSEMBLE_GROUPS * n_obs_of(a), a->groups);
  long group = -1;
  st = qs_accum_io_get_long(io, "group", 1, &group);
  if (st == QS_OK && (group < -1 || group >= QS_ENSEMBLE_GROUPS))
    st = QS_ERR_DIMENSION;
  a->group = (int)group;
  return st;
}

const qs_accum_type qs_accum_type_time_average_groups = {
    "time_average_groups", tag_alloc, tag_reset, tag_sample, NULL, tag_finish,
    tag_add,               tag_write, tag_read,  tag_free};

/* ---- rho_squares ---------------------------------------------------------- */

static size_t dim2(const qs_accum_rho_squares *a)
{
  return (size_t)(a->dim * a->dim);
}

static size_t times_size(const qs_accum_rho_squares *a)
{
  return (size_t)a->n_times * dim2(a);
}

static void rsq_free(void *state)
{
  qs_accum_rho_squares *a = state;
  if (a) {
    free(a->sq_re);
    free(a->sq_im);
    free(a->avg_sq_re);
    free(a->avg_sq_im);
    free(a->avg);
  }
  free(a);
}

static qs_status rsq_alloc(const qs_accum_shape *s, void **state)
{
  qs_accum_rho_squares *a = calloc(1, sizeof *a);
  if (!a)
    return QS_ERR_NOMEM;
  a->n_times = s->n_times;
  a->n_avg = s->n_avg;
  a->dim = s->dim;
  a->sq_re = calloc(times_size(a), sizeof *a->sq_re);
  a->sq_im = calloc(times_size(a), sizeof *a->sq_im);
  a->avg_sq_re = calloc(dim2(a), sizeof *a->avg_sq_re);
  a->avg_sq_im = calloc(dim2(a), sizeof *a->avg_sq_im);
  a->avg = calloc(dim2(a), sizeof *a->avg);
  if (!a->sq_re || !a->sq_im || !a->avg_sq_re || !a->avg_sq_im || !a->avg) {
    rsq_free(a);
    return QS_ERR_NOMEM;
  }
  *state = a;
  return QS_OK;
}

static void rsq_reset(void *state)
{
  qs_accum_rho_squares *a = state;
  memset(a->sq_re, 0, times_size(a) * sizeof *a->sq_re);
  memset(a->sq_im, 0, times_size(a) * sizeof *a->sq_im);
  memset(a->avg_sq_re, 0, dim2(a) * sizeof *a->avg_sq_re);
  memset(a->avg_sq_im, 0, dim2(a) * sizeof *a->avg_sq_im);
  memset(a->avg, 0, dim2(a) * sizeof *a->avg);
}

/* rho_ij = psi_i conj(psi_j): its squared parts at this time, and the
 * running time average (the operations of rho_average's projector). */
static void rsq_sample(void *state, const qs_accum_sample *s)
{
  qs_accum_rho_squares *a = state;
  qs_index d = a->dim;
  size_t off = (size_t)s->t_index * dim2(a);
  const double *p = (const double *)s->psi;
  for (qs_index j = 0; j < d; j++)
    for (qs_index i = 0; i < d; i++) {
      double re = p[2 * i] * p[2 * j] + p[2 * i + 1] * p[2 * j + 1];
      double im = p[2 * i + 1] * p[2 * j] - p[2 * i] * p[2 * j + 1];
      size_t e = (size_t)(i + j * d);
      a->sq_re[off + e] += re * re;
      a->sq_im[off + e] += im * im;
      if (s->in_avg)
        a->avg[e] += CMPLX(re, im) / a->n_avg;
    }
}

/* One trajectory's time average is complete: keep its squares. */
static void rsq_finish(void *state, const qs_accum_end *end)
{
  (void)end;
  qs_accum_rho_squares *a = state;
  for (size_t e = 0; e < dim2(a); e++) {
    a->avg_sq_re[e] = creal(a->avg[e]) * creal(a->avg[e]);
    a->avg_sq_im[e] = cimag(a->avg[e]) * cimag(a->avg[e]);
  }
}

static qs_status rsq_add(void *into, const void *from)
{
  qs_accum_rho_squares *a = into;
  const qs_accum_rho_squares *b = from;
  if (a->n_times != b->n_times || a->dim != b->dim)
    return QS_ERR_DIMENSION;
  add_doubles(a->sq_re, b->sq_re, times_size(a));
  add_doubles(a->sq_im, b->sq_im, times_size(a));
  add_doubles(a->avg_sq_re, b->avg_sq_re, dim2(a));
  add_doubles(a->avg_sq_im, b->avg_sq_im, dim2(a));
  return QS_OK;
}

static qs_status rsq_write(const void *state, qs_accum_io *io)
{
  const qs_accum_rho_squares *a = state;
  long nt = (long)times_size(a), n2 = (long)dim2(a);
  qs_status st = qs_accum_io_put(io, "sq_re", nt, a->sq_re);
  if (st == QS_OK)
    st = qs_accum_io_put(io, "sq_im", nt, a->sq_im);
  if (st == QS_OK)
    st = qs_accum_io_put(io, "avg_sq_re", n2, a->avg_sq_re);
  return st == QS_OK ? qs_accum_io_put(io, "avg_sq_im", n2, a->avg_sq_im) : st;
}

static qs_status rsq_read(void *state, qs_accum_io *io)
{
  qs_accum_rho_squares *a = state;
  long nt = (long)times_size(a), n2 = (long)dim2(a);
  qs_status st = qs_accum_io_get(io, "sq_re", nt, a->sq_re);
  if (st == QS_OK)
    st = qs_accum_io_get(io, "sq_im", nt, a->sq_im);
  if (st == QS_OK)
    st = qs_accum_io_get(io, "avg_sq_re", n2, a->avg_sq_re);
  return st == QS_OK ? qs_accum_io_get(io, "avg_sq_im", n2, a->avg_sq_im) : st;
}

const qs_accum_type qs_accum_type_rho_squares = {
    "rho_squares", rsq_alloc, rsq_reset, rsq_sample, NULL, rsq_finish,
    rsq_add,       rsq_write, rsq_read,  rsq_free};
