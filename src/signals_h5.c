/* Trajectory records on disk (HDF5, chunked); see include/qsync/signals.h. */
#include "qsync/signals.h"
#include "h5_impl.h"
#include "message_impl.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct qs_signals_file {
  hid_t file;
  hid_t signals;     /* the group /signals */
  long ntraj, n_samples;
  int n_signals;
  hsize_t chunk;
};

static void traj_name(long i, char *out, size_t len)
{
  snprintf(out, len, "traj_%06ld", i);
}

/* Dataset creation properties: chunked rows, no modification times (same
 * run, same bytes), no fill (every value is written). */
static hid_t chunked(int rank, const hsize_t *chunk_dims, int early)
{
  hid_t p = H5Pcreate(H5P_DATASET_CREATE);
  if (p < 0)
    return p;
  if (H5Pset_chunk(p, rank, chunk_dims) < 0 || H5Pset_obj_track_times(p, 0) < 0 ||
      H5Pset_fill_time(p, H5D_FILL_TIME_NEVER) < 0 ||
      (early && H5Pset_alloc_time(p, H5D_ALLOC_TIME_EARLY) < 0)) {
    H5Pclose(p);
    return -1;
  }
  return p;
}

static int create_dataset(hid_t loc, const char *name, hid_t type, int rank,
                          const hsize_t *dims, const hsize_t *max, const hsize_t *chunk,
                          int early)
{
  hid_t space = H5Screate_simple(rank, dims, max);
  hid_t plist = chunked(rank, chunk, early);
  hid_t set = space < 0 || plist < 0
                  ? -1
                  : H5Dcreate2(loc, name, type, space, H5P_DEFAULT, plist, H5P_DEFAULT);
  if (plist >= 0)
    H5Pclose(plist);
  if (space >= 0)
    H5Sclose(space);
  if (set < 0)
    return 1;
  H5Dclose(set);
  return 0;
}

/* The group of trajectory i with its three datasets. */
static int create_trajectory(qs_signals_file *f, long i)
{
  char name[32];
  traj_name(i, name, sizeof name);
  hid_t g = qs_h5_create_group(f->signals, name);
  if (g < 0)
    return 1;
  hsize_t rows = f->chunk < (hsize_t)f->n_samples ? f->chunk : (hsize_t)f->n_samples;
  hsize_t dims[2] = {(hsize_t)f->n_samples, (hsize_t)f->n_signals};
  hsize_t chunk2[2] = {rows, (hsize_t)f->n_signals};
  hsize_t zero = 0, unlimited = H5S_UNLIMITED;
  int err = create_dataset(g, "values", H5T_NATIVE_DOUBLE, 2, dims, NULL, chunk2, 1) ||
            create_dataset(g, "jump_time", H5T_NATIVE_DOUBLE, 1, &zero, &unlimited, &f->chunk, 0) ||
            create_dataset(g, "jump_channel", H5T_NATIVE_INT, 1, &zero, &unlimited, &f->chunk, 0);
  H5Gclose(g);
  return err;
}

/* "a,b,c" of n names (NULL when out of memory). */
static char *join(int n, const char *(*name)(const qs_model *, const qs_signals_options *, int),
                  const qs_model *m, const qs_signals_options *o)
{
  size_t len = 1;
  for (int k = 0; k < n; k++)
    len += strlen(name(m, o, k)) + 1;
  char *s = calloc(len, 1);
  for (int k = 0; s && k < n; k++) {
    if (k > 0)
      strcat(s, ",");
    strcat(s, name(m, o, k));
  }
  return s;
}

static const char *signal_name(const qs_model *m, const qs_signals_options *o, int k)
{
  return m->obs_names[o->obs[k]];
}

static const char *channel_name(const qs_model *m, const qs_signals_options *o, int k)
{
  (void)o;
  return m->c_names[k];
}

static int write_attrs(hid_t g, const qs_model *m, const qs_signals_options *o, long ntraj,
                       long n_samples, uint64_t seed)
{
  char seed_text[32];
  snprintf(seed_text, sizeof seed_text, "%llu", (unsigned long long)seed);
  char *names = join(o->n_signals, signal_name, m, o);
  char *channels = join(m->n_c, channel_name, m, o);
  long long n_signals = o->n_signals, samples = n_samples, traj = ntraj;
  int err = !names || !channels || qs_h5_write_string_attr(g, "names", names) ||
            qs_h5_write_string_attr(g, "channels", channels) ||
            qs_h5_write_string_attr(g, "seed", seed_text) ||
            qs_h5_write_attr(g, "n_signals", H5T_NATIVE_LLONG, &n_signals) ||
            qs_h5_write_attr(g, "n_samples", H5T_NATIVE_LLONG, &samples) ||
            qs_h5_write_attr(g, "ntraj", H5T_NATIVE_LLONG, &traj) ||
            qs_h5_write_attr(g, "burn_in", H5T_NATIVE_DOUBLE, &o->burn_in) ||
            qs_h5_write_attr(g, "t_end", H5T_NATIVE_DOUBLE, &o->t_end) ||
            qs_h5_write_attr(g, "dt", H5T_NATIVE_DOUBLE, &o->dt);
  free(names);
  free(channels);
  return err;
}

/* The group `name` with its missing parents, without modification times. */
static hid_t create_group_path(hid_t file, const char *name)
{
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
  hid_t g = -1;
  if (lcpl >= 0 && gcpl >= 0 && H5Pset_create_intermediate_group(lcpl, 1) >= 0 &&
      H5Pset_obj_track_times(gcpl, 0) >= 0)
    g = H5Gcreate2(file, name, lcpl, gcpl, H5P_DEFAULT);
  if (lcpl >= 0)
    H5Pclose(lcpl);
  if (gcpl >= 0)
    H5Pclose(gcpl);
  return g;
}

qs_status qs_signals_file_create(const char *path, const char *group, const qs_model *model,
                                 const qs_signals_options *o, long ntraj, uint64_t seed,
                                 qs_signals_file **out, char *msg, size_t msglen)
{
  if (!out)
    return QS_ERR_INVALID;
  *out = NULL;
  long n_samples = qs_signals_sample_count(o);
  if (!path || !group || !model || !o || ntraj < 1 || n_samples < 1 || o->chunk < 1 ||
      o->n_signals < 1 || o->n_signals > QS_SIGNALS_MAX) {
    qs_set_message(msg, msglen, "signals file: invalid options or ntraj = %ld", ntraj);
    return QS_ERR_INVALID;
  }
  qs_signals_file *f = calloc(1, sizeof *f);
  if (!f)
    return QS_ERR_NOMEM;
  *f = (qs_signals_file){.file = -1, .signals = -1, .ntraj = ntraj, .n_samples = n_samples,
                         .n_signals = o->n_signals, .chunk = (hsize_t)o->chunk};
  qs_h5_begin();
  f->file = H5Fis_hdf5(path) > 0 ? H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT)
                                  : H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f->file >= 0)
    f->signals = create_group_path(f->file, group);
  int err = f->signals < 0 || write_attrs(f->signals, model, o, ntraj, n_samples, seed);
  for (long i = 0; i < ntraj && !err; i++)
    err = create_trajectory(f, i);
  if (err) {
    qs_set_message(msg, msglen, "%s: cannot create the group %s of the trajectory records",
                   path, group);
    qs_signals_file_close(&f);
    return QS_ERR_HDF5;
  }
  *out = f;
  return QS_OK;
}

/* Write rows [first, first + n) of dataset `name` (rank 1 or 2, the
 * second dimension `cols`), extending a rank-1 dataset first. */
static int write_rows(hid_t g, const char *name, hid_t type, int rank, hsize_t first,
                      hsize_t n, hsize_t cols, const void *data)
{
  hid_t set = H5Dopen2(g, name, H5P_DEFAULT);
  if (set < 0)
    return 1;
  int err = 0;
  if (rank == 1) {
    hsize_t size = first + n;
    err = H5Dset_extent(set, &size) < 0;
  }
  hsize_t start[2] = {first, 0}, count[2] = {n, cols};
  hid_t file_space = err ? -1 : H5Dget_space(set);
  hid_t mem_space = H5Screate_simple(rank, count, NULL);
  err = err || file_space < 0 || mem_space < 0 ||
        H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
        H5Dwrite(set, type, mem_space, file_space, H5P_DEFAULT, data) < 0;
  if (mem_space >= 0)
    H5Sclose(mem_space);
  if (file_space >= 0)
    H5Sclose(file_space);
  H5Dclose(set);
  return err;
}

static int write_chunk(qs_signals_file *f, const qs_signals_chunk *c)
{
  char name[32];
  traj_name(c->trajectory, name, sizeof name);
  hid_t g = H5Gopen2(f->signals, name, H5P_DEFAULT);
  if (g < 0)
    return 1;
  int err = 0;
  if (c->n_samples > 0)
    err = write_rows(g, "values", H5T_NATIVE_DOUBLE, 2, (hsize_t)c->first_sample,
                     (hsize_t)c->n_samples, (hsize_t)c->n_signals, c->values);
  if (!err && c->n_jumps > 0)
    err = write_rows(g, "jump_time", H5T_NATIVE_DOUBLE, 1, (hsize_t)c->first_jump,
                     (hsize_t)c->n_jumps, 1, c->jump_time) ||
          write_rows(g, "jump_channel", H5T_NATIVE_INT, 1, (hsize_t)c->first_jump,
                     (hsize_t)c->n_jumps, 1, c->jump_channel);
  H5Gclose(g);
  return err;
}

qs_status qs_signals_file_write(const qs_signals_chunk *c, void *data)
{
  qs_signals_file *f = data;
  if (!f || !c || c->trajectory < 0 || c->trajectory >= f->ntraj ||
      c->n_signals != f->n_signals || c->first_sample + c->n_samples > f->n_samples)
    return QS_ERR_INVALID;
  int err;
  /* HDF5 is built without thread safety: one call at a time. */
#pragma omp critical(qs_hdf5)
  err = write_chunk(f, c);
  return err ? QS_ERR_HDF5 : QS_OK;
}

qs_status qs_signals_file_read(qs_signals_file *f, long i, int s, double *x)
{
  if (!f || i < 0 || i >= f->ntraj || s < 0 || s >= f->n_signals || !x)
    return QS_ERR_INVALID;
  char name[48];
  traj_name(i, name, sizeof name);
  strcat(name, "/values");
  hid_t set = H5Dopen2(f->signals, name, H5P_DEFAULT);
  if (set < 0)
    return QS_ERR_HDF5;
  hsize_t start[2] = {0, (hsize_t)s}, count[2] = {(hsize_t)f->n_samples, 1};
  hsize_t n = (hsize_t)f->n_samples;
  hid_t file_space = H5Dget_space(set);
  hid_t mem_space = H5Screate_simple(1, &n, NULL);
  int err = file_space < 0 || mem_space < 0 ||
            H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
            H5Dread(set, H5T_NATIVE_DOUBLE, mem_space, file_space, H5P_DEFAULT, x) < 0;
  if (mem_space >= 0)
    H5Sclose(mem_space);
  if (file_space >= 0)
    H5Sclose(file_space);
  H5Dclose(set);
  return err ? QS_ERR_HDF5 : QS_OK;
}

/* Read the first n entries of a rank-1 dataset. */
static int read_head(hid_t g, const char *name, hid_t type, hsize_t n, void *data)
{
  hid_t set = H5Dopen2(g, name, H5P_DEFAULT);
  if (set < 0)
    return 1;
  hsize_t start = 0;
  hid_t file_space = H5Dget_space(set);
  hid_t mem_space = H5Screate_simple(1, &n, NULL);
  int err = file_space < 0 || mem_space < 0 ||
            H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, NULL, &n, NULL) < 0 ||
            H5Dread(set, type, mem_space, file_space, H5P_DEFAULT, data) < 0;
  if (mem_space >= 0)
    H5Sclose(mem_space);
  if (file_space >= 0)
    H5Sclose(file_space);
  H5Dclose(set);
  return err;
}

qs_status qs_signals_file_read_jumps(qs_signals_file *f, long i, long max, double *time,
                                     int *channel, long *n_jumps)
{
  if (!f || i < 0 || i >= f->ntraj || !n_jumps || max < 0)
    return QS_ERR_INVALID;
  char name[32];
  traj_name(i, name, sizeof name);
  hid_t g = H5Gopen2(f->signals, name, H5P_DEFAULT);
  if (g < 0)
    return QS_ERR_HDF5;
  hid_t set = H5Dopen2(g, "jump_time", H5P_DEFAULT);
  hid_t space = set < 0 ? -1 : H5Dget_space(set);
  hsize_t size = 0;
  int err = space < 0 || H5Sget_simple_extent_dims(space, &size, NULL) != 1;
  if (space >= 0)
    H5Sclose(space);
  if (set >= 0)
    H5Dclose(set);
  *n_jumps = err ? 0 : (long)size;
  hsize_t n = size < (hsize_t)max ? size : (hsize_t)max;
  if (!err && n > 0 && time)
    err = read_head(g, "jump_time", H5T_NATIVE_DOUBLE, n, time);
  if (!err && n > 0 && channel)
    err = read_head(g, "jump_channel", H5T_NATIVE_INT, n, channel);
  H5Gclose(g);
  return err ? QS_ERR_HDF5 : QS_OK;
}

long qs_signals_file_samples(const qs_signals_file *f)
{
  return f ? f->n_samples : 0;
}

qs_status qs_signals_file_close(qs_signals_file **f)
{
  if (!f || !*f)
    return QS_OK;
  qs_signals_file *g = *f;
  int err = 0;
  if (g->signals >= 0)
    err |= H5Gclose(g->signals) < 0;
  if (g->file >= 0)
    err |= H5Fclose(g->file) < 0;
  free(g);
  *f = NULL;
  return err ? QS_ERR_HDF5 : QS_OK;
}
