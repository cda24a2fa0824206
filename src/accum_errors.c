/* The error-bar accumulators: the jackknife groups of the time-averaged
 * observables and the squares of the density-matrix elements; see
 * include/qsync/accum.h. */
#include "accum_impl.h"

#include <stdlib.h>
#include <string.h>

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

/* The sums and their groups as a grouped sum (accum_impl.h). */
static qs_grouped_sum tag_grouped(const qs_accum_time_average_groups *a)
{
  qs_accum_time_average_groups *m = (qs_accum_time_average_groups *)a;  /* writes through */
  return (qs_grouped_sum){a->scope, &m->group, m->sum, m->groups, n_obs_of(a)};
}

static qs_status tag_add(void *into, const void *from)
{
  const qs_accum_time_average_groups *a = into, *b = from;
  if (a->n_obs != b->n_obs)
    return QS_ERR_DIMENSION;
  qs_grouped_sum ga = tag_grouped(a), gb = tag_grouped(b);
  return qs_grouped_sum_add(&ga, &gb);
}

static qs_status tag_write(const void *state, qs_accum_io *io)
{
  qs_grouped_sum g = tag_grouped(state);
  return qs_grouped_sum_write(&g, io);
}

static qs_status tag_read(void *state, qs_accum_io *io)
{
  qs_grouped_sum g = tag_grouped(state);
  return qs_grouped_sum_read(&g, io);
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
  qs_accum_add_doubles(a->sq_re, b->sq_re, times_size(a));
  qs_accum_add_doubles(a->sq_im, b->sq_im, times_size(a));
  qs_accum_add_doubles(a->avg_sq_re, b->avg_sq_re, dim2(a));
  qs_accum_add_doubles(a->avg_sq_im, b->avg_sq_im, dim2(a));
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
