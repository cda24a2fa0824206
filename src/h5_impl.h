/* Private HDF5 helpers shared by output.c and ensemble_io.c. */
#ifndef QSYNC_H5_IMPL_H
#define QSYNC_H5_IMPL_H

#include <hdf5.h>

#include "qsync/ensemble.h"

/* Call before any use of HDF5: no exit handler (it crashes after a failed
 * close), and errors as statuses instead of stderr dumps. */
void qs_h5_begin(void);

/* A group without modification times (same run, same bytes); < 0 on error. */
hid_t qs_h5_create_group(hid_t loc, const char *name);

/* Dataset `name` of memory type `type` and shape dims[rank]; 0 on success. */
int qs_h5_write(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                const void *data);

/* Scalar attribute of memory type `type` / a string attribute; 0 on success. */
int qs_h5_write_attr(hid_t loc, const char *name, hid_t type, const void *value);
int qs_h5_write_string_attr(hid_t loc, const char *name, const char *value);
/* The string attribute `name` of loc (malloc'd), NULL if absent or unreadable. */
char *qs_h5_read_string_attr(hid_t loc, const char *name);

/* The group `raw` under `parent` holding r's raw sums (ensemble.h,
 * qs_ensemble_read).  QS_OK, QS_ERR_HDF5, or an accumulator's error. */
qs_status qs_ensemble_write_raw(hid_t parent, const qs_ensemble_result *r);

#endif
