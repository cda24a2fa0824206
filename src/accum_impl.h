/* Private: sets of accumulator instances and the result's internals,
 * shared by accum.c, ensemble.c and ensemble_io.c. */
#ifndef QSYNC_ACCUM_IMPL_H
#define QSYNC_ACCUM_IMPL_H

#include "qsync/ensemble.h"

/* A set is an array of n instances, one per type, always used together.
 * alloc gives zeroed instances (freeing what it made on failure); add is
 * into[i] += from[i] in index order, stopping at the first error. */
qs_status qs_accum_set_alloc(qs_accum *set, const qs_accum_type *const *types, int n,
                             const qs_accum_shape *shape);
void qs_accum_set_free(qs_accum *set, int n);
void qs_accum_set_reset(qs_accum *set, int n);
void qs_accum_set_sample(qs_accum *set, int n, const qs_accum_sample *s);
void qs_accum_set_jump(qs_accum *set, int n, long index, double t, int channel);
void qs_accum_set_finish(qs_accum *set, int n, const qs_accum_end *end);
qs_status qs_accum_set_add(qs_accum *into, const qs_accum *from, int n);

/* A set's raw sums as bytes (each type's write, into memory instead of
 * run.h5) and back (read) into a set of the same types and shape, bit for
 * bit: how block sums travel between ranks.  *bytes is malloc'd.
 * QS_ERR_NOMEM; unpack: QS_ERR_DIMENSION for bytes of another shape. */
qs_status qs_accum_set_pack(const qs_accum *set, int n, void **bytes, size_t *len);
qs_status qs_accum_set_unpack(qs_accum *set, int n, const void *bytes, size_t len);

/* The built-in type called `name`, else the one among extra; NULL if none. */
const qs_accum_type *qs_accum_find_type(const char *name, const qs_accum_type *const *extra,
                                        int n_extra);

/* An empty result of this shape (shape->times copied, scope ignored)
 * with total instances of `types`. */
qs_status qs_ensemble_result_new(const qs_accum_shape *shape,
                                 const qs_accum_type *const *types, int n_types,
                                 uint64_t seed, long first_index,
                                 qs_ensemble_result **out);

/* Append a zeroed set of block instances to r's kept blocks; *slot is it. */
qs_status qs_ensemble_result_add_block(qs_ensemble_result *r, qs_accum **slot);

/* Fill the public fields (ntraj, work, obs_sum, ...) from the totals. */
void qs_ensemble_result_sync(qs_ensemble_result *r);

/* ---- helpers of the accumulator types (accum.c, accum_errors.c) -------- */

/* into[i] += from[i], i < n, in index order (the fixed order of the bits). */
void qs_accum_add_doubles(double *into, const double *from, size_t n);
void qs_accum_add_complex(double complex *into, const double complex *from, size_t n);
/* A complex array as 2n doubles (re, im) under `name`, and back. */
qs_status qs_accum_put_complex(qs_accum_io *io, const char *name, size_t n,
                               const double complex *v);
qs_status qs_accum_get_complex(qs_accum_io *io, const char *name, size_t n, double complex *v);

/* A sum split into the jackknife groups (rho_average, time_average_groups):
 * views of the fields of either state, n numbers per group.  A block
 * instance holds its block's sum and its group (-1 before the first
 * trajectory); a total holds the sum and the QS_ENSEMBLE_GROUPS group sums. */
typedef struct {
  qs_accum_scope scope;
  int *group;                 /* block scope: its group */
  double complex *sum;        /* n */
  double complex *groups;     /* total scope: QS_ENSEMBLE_GROUPS * n */
  size_t n;
} qs_grouped_sum;

/* into += from: a block joins one group, a total files a block's sum under
 * its group or adds another total group by group.  QS_ERR_DIMENSION for
 * mismatched sizes, a total into a block, or two blocks of two groups. */
qs_status qs_grouped_sum_add(const qs_grouped_sum *into, const qs_grouped_sum *from);
/* Raw sums to io ("sum", then "groups" or "group") and back. */
qs_status qs_grouped_sum_write(const qs_grouped_sum *g, qs_accum_io *io);
qs_status qs_grouped_sum_read(const qs_grouped_sum *g, qs_accum_io *io);

#endif
