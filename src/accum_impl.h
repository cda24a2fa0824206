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

#endif
