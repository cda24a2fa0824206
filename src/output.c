/* HDF5 and TSV results; see include/qsync/output.h. */
#include "qsync/output.h"
#include "h5_impl.h"
#include "message_impl.h"
#include "outdir_impl.h"

#include <errno.h>
#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- HDF5 helpers: each returns 0 on success ----------------------------- */

/* Creation properties without modification times, so that the same run
 * gives a byte-identical file. */
static hid_t untimed(hid_t class_id)
{
  hid_t plist = H5Pcreate(class_id);
  H5Pset_obj_track_times(plist, 0);
  return plist;
}

void qs_h5_begin(void)
{
  /* HDF5's exit handler crashes (SIGSEGV in H5F__close_cb) on a file whose
   * H5Fclose failed, as on a full disk; qsync closes every file it opens,
   * so the handler has nothing to do.  Effective only before the first
   * HDF5 call of the process, hence called before each use. */
  static int first = 1;
  if (first)
    H5dont_atexit();
  first = 0;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors become messages, not stderr dumps */
}

hid_t qs_h5_create_group(hid_t loc, const char *name)
{
  hid_t plist = untimed(H5P_GROUP_CREATE);
  hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, plist, H5P_DEFAULT);
  H5Pclose(plist);
  return g;
}

int qs_h5_write(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                const void *data)
{
  hid_t space = H5Screate_simple(rank, dims, NULL);
  hid_t plist = untimed(H5P_DATASET_CREATE);
  hid_t set = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, plist, H5P_DEFAULT);
  H5Pclose(plist);
  herr_t err = set < 0 ? -1 : H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  if (set >= 0)
    H5Dclose(set);
  H5Sclose(space);
  return set < 0 || err < 0;
}

static int write_doubles(hid_t loc, const char *name, int rank, const hsize_t *dims,
                         const double *data)
{
  return qs_h5_write(loc, name, H5T_NATIVE_DOUBLE, rank, dims, data);
}

/* Complex array of logical shape dims[0..rank-1], stored with a trailing 2. */
static int write_complex(hid_t loc, const char *name, int rank, const hsize_t *dims,
                         const double complex *data)
{
  hsize_t full[8];
  for (int i = 0; i < rank; i++)
    full[i] = dims[i];
  full[rank] = 2;
  return write_doubles(loc, name, rank + 1, full, (const double *)data);
}

/* Column-major dim x dim matrices -> [count][i][j] row-major. */
static int write_matrices(hid_t loc, const char *name, hsize_t count, qs_index dim,
                          const double complex *cols, double scale)
{
  size_t n2 = (size_t)(dim * dim);
  double complex *rows = malloc(count * n2 * sizeof *rows);
  if (!rows)
    return 1;
  for (hsize_t c = 0; c < count; c++)
    for (qs_index i = 0; i < dim; i++)
      for (qs_index j = 0; j < dim; j++)
        rows[c * n2 + (size_t)(i * dim + j)] = scale * cols[c * n2 + (size_t)(i + j * dim)];
  hsize_t dims[3] = {count, (hsize_t)dim, (hsize_t)dim};
  int err = count == 1 ? write_complex(loc, name, 2, dims + 1, rows)
                       : write_complex(loc, name, 3, dims, rows);
  free(rows);
  return err;
}

int qs_h5_write_attr(hid_t loc, const char *name, hid_t type, const void *value)
{
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t err = attr < 0 ? -1 : H5Awrite(attr, type, value);
  if (attr >= 0)
    H5Aclose(attr);
  H5Sclose(space);
  return attr < 0 || err < 0;
}

int qs_h5_write_string_attr(hid_t loc, const char *name, const char *value)
{
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, strlen(value) + 1);
  int err = qs_h5_write_attr(loc, name, type, value);
  H5Tclose(type);
  return err;
}

char *qs_h5_read_string_attr(hid_t loc, const char *name)
{
  hid_t attr = H5Aexists(loc, name) > 0 ? H5Aopen(loc, name, H5P_DEFAULT) : -1;
  hid_t type = attr < 0 ? -1 : H5Aget_type(attr);
  size_t size = type < 0 ? 0 : H5Tget_size(type);
  char *s = size > 0 ? calloc(size + 1, 1) : NULL;
  if (s && H5Aread(attr, type, s) < 0) {
    free(s);
    s = NULL;
  }
  if (type >= 0)
    H5Tclose(type);
  if (attr >= 0)
    H5Aclose(attr);
  return s;
}

static int write_double_attr(hid_t loc, const char *name, double value)
{
  return qs_h5_write_attr(loc, name, H5T_NATIVE_DOUBLE, &value);
}

/* "n0,n1,..." of n strings (malloc'd, NULL when out of memory). */
static char *join_names(int n, const char *(*name)(const void *, int), const void *data)
{
  size_t len = 1;
  for (int k = 0; k < n; k++)
    len += strlen(name(data, k)) + 1;
  char *s = calloc(len, 1);
  for (int k = 0; s && k < n; k++) {
    if (k > 0)
      strcat(s, ",");
    strcat(s, name(data, k));
  }
  return s;
}

static const char *obs_name(const void *model, int k)
{
  return ((const qs_model *)model)->obs_names[k];
}

static const char *column_name(const void *table, int k)
{
  return ((const qs_table *)table)->columns[k];
}

static const char *column_unit(const void *table, int k)
{
  return ((const qs_table *)table)->units[k];
}

static char *obs_name_list(const qs_model *m)
{
  return join_names(m->n_obs, obs_name, m);
}

static int write_root_attrs(hid_t file, const qs_output *o)
{
  char seed[32];
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->cfg->seed);
  char *names = obs_name_list(o->model);
  int err = !names || qs_h5_write_string_attr(file, "qsync_version", QSYNC_VERSION) ||
            qs_h5_write_string_attr(file, "command", o->command) ||
            qs_h5_write_string_attr(file, "model", o->model->type->name) ||
            qs_h5_write_string_attr(file, "seed", seed) ||
            qs_h5_write_string_attr(file, "run_file", o->cfg->text ? o->cfg->text : "") ||
            qs_h5_write_string_attr(file, "run_file_path", o->cfg->path) ||
            qs_h5_write_string_attr(file, "observables", names);
  free(names);
  return err;
}

static int write_parameters(hid_t file, const qs_output *o)
{
  hid_t g = qs_h5_create_group(file, "parameters");
  if (g < 0)
    return 1;
  const qs_model_type *type = o->model->type;
  const qs_runconfig *c = o->cfg;
  int err = 0;
  for (int i = 0; i < type->n_params && !err; i++)
    err = write_double_attr(g, type->params[i].key, o->model->param_values[i]);
  err = err || write_double_attr(g, "ntraj", (double)c->ntraj) ||
        write_double_attr(g, "t_end", c->t_end) ||
        write_double_attr(g, "n_times", (double)c->n_times) ||
        write_double_attr(g, "rtol", c->rtol) || write_double_attr(g, "atol", c->atol) ||
        write_double_attr(g, "burn_in", c->burn_in);
  H5Gclose(g);
  return err;
}

/* Means and standard errors of an ensemble at every output time. */
static void ensemble_stats(const qs_ensemble_result *e, double complex *mean,
                           double complex *se)
{
  size_t n = (size_t)e->n_times * (size_t)e->n_obs;
  for (size_t i = 0; i < n; i++) {
    mean[i] = qs_mean_of(e->obs_sum[i], e->ntraj);
    se[i] = qs_stderr_of(e->obs_sum[i], e->obs_sq_re[i], e->obs_sq_im[i], e->ntraj);
  }
}

/* Element-wise standard errors of rho(t) and of the steady rho (runs with
 * rho_stderr; nothing otherwise). */
static int write_rho_stderr(hid_t g, const qs_ensemble_result *e)
{
  if (!qs_ensemble_accum(e, "rho_squares"))
    return 0;
  size_t n2 = (size_t)(e->dim * e->dim);
  double complex *se_t = malloc((size_t)e->n_times * n2 * sizeof *se_t);
  double complex *se_avg = malloc(n2 * sizeof *se_avg);
  int err = !se_t || !se_avg || qs_ensemble_rho_stderr(e, se_t, se_avg) != QS_OK ||
            write_matrices(g, "rho_stderr", (hsize_t)e->n_times, e->dim, se_t, 1.0) ||
            write_matrices(g, "steady_rho_stderr", 1, e->dim, se_avg, 1.0);
  free(se_t);
  free(se_avg);
  return err;
}

static int write_trajectory(hid_t file, const qs_ensemble_result *e)
{
  hid_t g = qs_h5_create_group(file, "trajectory");
  if (g < 0)
    return 1;
  size_t n = (size_t)e->n_times * (size_t)e->n_obs;
  double complex *mean = malloc(n * sizeof *mean), *se = malloc(n * sizeof *se);
  double complex smean[64], sse[64];
  int err = !mean || !se || e->n_obs > 64;
  if (!err) {
    ensemble_stats(e, mean, se);
    hsize_t dims[2] = {(hsize_t)e->n_times, (hsize_t)e->n_obs};
    err = write_complex(g, "mean", 2, dims, mean) || write_complex(g, "stderr", 2, dims, se);
    for (int k = 0; k < e->n_obs; k++) {
      smean[k] = qs_mean_of(e->avg_sum[k], e->ntraj);
      sse[k] = qs_stderr_of(e->avg_sum[k], e->avg_sq_re[k], e->avg_sq_im[k], e->ntraj);
    }
    err = err || write_complex(g, "steady_mean", 1, dims + 1, smean) ||
          write_complex(g, "steady_stderr", 1, dims + 1, sse);
  }
  if (!err && e->rho_sum)
    err = write_matrices(g, "rho", (hsize_t)e->n_times, e->dim, e->rho_sum, 1.0 / e->ntraj) ||
          write_matrices(g, "steady_rho", 1, e->dim, e->rho_avg_sum, 1.0 / e->ntraj) ||
          write_rho_stderr(g, e);
  err = err || qs_h5_write_string_attr(g, "stop_reason", qs_stop_reason_name(e->stop_reason));
  double work[4] = {(double)e->work.steps, (double)e->work.rhs_evals,
                    (double)e->work.root_evals, (double)e->work.jumps};
  hsize_t four = 4, one = 1;
  double ntraj = (double)e->ntraj;
  err = err || write_doubles(g, "work", 1, &four, work) ||
        write_doubles(g, "ntraj", 1, &one, &ntraj) || qs_ensemble_write_raw(g, e) != QS_OK;
  free(mean);
  free(se);
  H5Gclose(g);
  return err;
}

static int write_exact(hid_t file, const qs_output *o)
{
  hid_t g = qs_h5_create_group(file, "exact");
  if (g < 0)
    return 1;
  hsize_t nobs = (hsize_t)o->model->n_obs, one = 1;
  int err = write_complex(g, "observables", 1, &nobs, o->exact_obs) ||
            write_doubles(g, "residual", 1, &one, &o->exact_residual);
  if (!err && o->exact_rho)
    err = write_matrices(g, "rho", 1, o->model->space.total, o->exact_rho, 1.0);
  for (int k = 0; !err && k < o->n_derived; k++)
    err = write_doubles(g, o->derived_names[k], 1, &one, &o->derived[k]);
  H5Gclose(g);
  return err;
}

static int write_tables(hid_t file, const qs_output *o)
{
  hid_t g = qs_h5_create_group(file, "tables");
  if (g < 0)
    return 1;
  int err = 0;
  for (int i = 0; i < o->n_tables && !err; i++) {
    const qs_table *t = &o->tables[i];
    hsize_t dims[2] = {(hsize_t)t->n_rows, (hsize_t)t->n_cols};
    err = write_doubles(g, t->name, 2, dims, t->data);
    char *names = join_names(t->n_cols, column_name, t);
    hid_t d = err || !names ? -1 : H5Dopen2(g, t->name, H5P_DEFAULT);
    err = err || !names || d < 0 || qs_h5_write_string_attr(d, "columns", names);
    free(names);
    if (!err && t->units) {
      char *units = join_names(t->n_cols, column_unit, t);
      err = !units || qs_h5_write_string_attr(d, "units", units);
      free(units);
    }
    if (d >= 0)
      H5Dclose(d);
  }
  H5Gclose(g);
  return err;
}

/* Copy the top-level objects of the HDF5 file `path` into `file`. */
static int include_file(hid_t file, const char *path)
{
  hid_t src = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (src < 0)
    return 1;
  H5G_info_t info;
  int err = H5Gget_info(src, &info) < 0;
  for (hsize_t i = 0; !err && i < info.nlinks; i++) {
    char name[256];
    ssize_t len = H5Lget_name_by_idx(src, ".", H5_INDEX_NAME, H5_ITER_INC, i, name,
                                     sizeof name, H5P_DEFAULT);
    err = len < 0 || (size_t)len >= sizeof name ||
          H5Ocopy(src, name, file, name, H5P_DEFAULT, H5P_DEFAULT) < 0;
  }
  if (H5Fclose(src) < 0)
    err = 1;
  return err;
}

/* HDF5 keeps attributes in the object header, at most 64 KiB each; a
 * longer run-file text needs dense attribute storage (the HDF5 1.8 file
 * format).  Only such files get it: every other run.h5 keeps its bytes. */
#define H5_COMPACT_ATTR_MAX 60000

static hid_t create_h5_file(const char *path, const qs_output *o)
{
  if (!o->cfg->text || strlen(o->cfg->text) < H5_COMPACT_ATTR_MAX)
    return H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS);
  hid_t file = -1;
  if (fcpl >= 0 && fapl >= 0 && H5Pset_attr_phase_change(fcpl, 0, 0) >= 0 &&
      H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST) >= 0)
    file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
  if (fcpl >= 0)
    H5Pclose(fcpl);
  if (fapl >= 0)
    H5Pclose(fapl);
  return file;
}

/* run.h5 of the set being written. */
static qs_status write_h5(const char *dir, const qs_output *o, char *msg, size_t msglen)
{
  char tmp[QS_OUTSET_PATH];
  int fd = qs_outset_add("run.h5", tmp, sizeof tmp, msg, msglen);
  if (fd < 0)
    return QS_ERR_IO;
  close(fd); /* HDF5 opens it by name */
  qs_h5_begin();
  hid_t file = create_h5_file(tmp, o);
  if (file < 0) {
    qs_set_message(msg, msglen, "%s: cannot create HDF5 file", tmp);
    return QS_ERR_HDF5;
  }
  int err = write_root_attrs(file, o) || write_parameters(file, o);
  if (!err && o->ens) {
    hsize_t nt = (hsize_t)o->ens->n_times;
    err = write_doubles(file, "times", 1, &nt, o->ens->times) || write_trajectory(file, o->ens);
  }
  if (!err && o->exact_obs)
    err = write_exact(file, o);
  if (!err && o->n_tables > 0)
    err = write_tables(file, o);
  if (!err && o->h5_include)
    err = include_file(file, o->h5_include);
  if (H5Fclose(file) < 0)
    err = 1;
  if (err || qs_outset_sync_path(tmp) != 0) {
    qs_set_message(msg, msglen, "%s/run.h5: writing HDF5 results failed", dir);
    return QS_ERR_HDF5;
  }
  return QS_OK;
}

/* ---- TSV ------------------------------------------------------------------ */

static void tsv_header_complex(FILE *f, const char *name, int with_se)
{
  fprintf(f, "\t%s.re\t%s.im", name, name);
  if (with_se)
    fprintf(f, "\t%s.re_se\t%s.im_se", name, name);
}

static void tsv_complex(FILE *f, double complex v)
{
  fprintf(f, "\t%.12g\t%.12g", creal(v), cimag(v));
}

static void tsv_time_series(FILE *f, const qs_output *o)
{
  const qs_ensemble_result *e = o->ens;
  fprintf(f, "# t");
  for (int k = 0; k < e->n_obs; k++)
    tsv_header_complex(f, o->model->obs_names[k], 1);
  fprintf(f, "\n");
  for (int t = 0; t < e->n_times; t++) {
    fprintf(f, "%.12g", e->times[t]);
    for (int k = 0; k < e->n_obs; k++) {
      size_t i = (size_t)t * (size_t)e->n_obs + (size_t)k;
      tsv_complex(f, qs_mean_of(e->obs_sum[i], e->ntraj));
      tsv_complex(f, qs_stderr_of(e->obs_sum[i], e->obs_sq_re[i], e->obs_sq_im[i], e->ntraj));
    }
    fprintf(f, "\n");
  }
}

static void tsv_exact(FILE *f, const qs_output *o)
{
  fprintf(f, "# residual");
  for (int k = 0; k < o->model->n_obs; k++)
    tsv_header_complex(f, o->model->obs_names[k], 0);
  for (int k = 0; k < o->n_derived; k++)
    fprintf(f, "\t%s", o->derived_names[k]);
  fprintf(f, "\n%.3e", o->exact_residual);
  for (int k = 0; k < o->model->n_obs; k++)
    tsv_complex(f, o->exact_obs[k]);
  for (int k = 0; k < o->n_derived; k++)
    fprintf(f, "\t%.12g", o->derived[k]);
  fprintf(f, "\n");
}

static void tsv_table(FILE *f, const qs_table *t)
{
  fprintf(f, "# ");
  for (int c = 0; c < t->n_cols; c++)
    fprintf(f, "%s%s", c ? "\t" : "", t->columns[c]);
  fprintf(f, "\n");
  if (t->units) {
    fprintf(f, "# units: ");
    for (int c = 0; c < t->n_cols; c++)
      fprintf(f, "%s%s", c ? "\t" : "", t->units[c]);
    fprintf(f, "\n");
  }
  for (long r = 0; r < t->n_rows; r++)
    for (int c = 0; c < t->n_cols; c++)
      fprintf(f, "%.12g%s", t->data[r * t->n_cols + c], c + 1 < t->n_cols ? "\t" : "\n");
}

/* Write `text` (or, text NULL, table t or the default summary) to the
 * temporary of NAME in the set being written. */
static qs_status write_text_file(const char *name, const char *text, const qs_output *o,
                                 const qs_table *t, char *msg, size_t msglen)
{
  char tmp[QS_OUTSET_PATH];
  int fd = qs_outset_add(name, tmp, sizeof tmp, msg, msglen);
  FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
  if (!f) {
    if (fd >= 0) {
      qs_set_message(msg, msglen, "%s: cannot write (%s)", tmp, strerror(errno));
      close(fd);
    }
    return QS_ERR_IO;
  }
  if (text)
    fputs(text, f);
  else if (t)
    tsv_table(f, t);
  else if (o->ens)
    tsv_time_series(f, o);
  else
    tsv_exact(f, o);
  int err = fflush(f) != 0 || ferror(f) || fsync(fd) != 0;
  int e = errno;
  if (fclose(f) != 0 || err) {
    qs_set_message(msg, msglen, "%.*s%s: writing failed (%s)", (int)(strrchr(tmp, '/') - tmp + 1),
                   tmp, name, strerror(err ? e : errno));
    return QS_ERR_IO;
  }
  return QS_OK;
}

static qs_status write_tsv_file(const char *name, const qs_output *o, const qs_table *t,
                                char *msg, size_t msglen)
{
  char file[256];
  if (snprintf(file, sizeof file, "%s.tsv", name) >= (int)sizeof file) {
    qs_set_message(msg, msglen, "%s: table name too long", name);
    return QS_ERR_INVALID;
  }
  return write_text_file(file, NULL, o, t, msg, msglen);
}

static qs_status write_tsv(const qs_output *o, char *msg, size_t msglen)
{
  int has_summary = 0;
  for (int i = 0; i < o->n_tables; i++) {
    has_summary |= strcmp(o->tables[i].name, "summary") == 0;
    qs_status st = write_tsv_file(o->tables[i].name, o, &o->tables[i], msg, msglen);
    if (st != QS_OK)
      return st;
  }
  return has_summary ? QS_OK : write_tsv_file("summary", o, NULL, msg, msglen);
}

/* Lock dir unless the process holds it, and write the set of files that
 * `write` adds: renamed into place when all are complete, or (in the
 * claimed directory) staged for qs_outdir_commit. */
static qs_status write_set(const char *dir,
                           qs_status (*write)(const char *, const void *, char *, size_t),
                           const void *data, char *msg, size_t msglen)
{
  int locked_here = 0;
  qs_status st = qs_outset_lock(dir, &locked_here, msg, msglen);
  if (st != QS_OK)
    return st;
  qs_outset_begin(dir);
  st = qs_outset_end(write(dir, data, msg, msglen), msg, msglen);
  if (locked_here)
    qs_outset_unlock();
  return st;
}

static qs_status write_results(const char *dir, const void *data, char *msg, size_t msglen)
{
  const qs_output *o = data;
  qs_status st = write_h5(dir, o, msg, msglen);
  return st == QS_OK ? write_tsv(o, msg, msglen) : st;
}

qs_status qs_output_write(const char *dir, const qs_output *out, char *msg, size_t msglen)
{
  if (!dir || !out || !out->cfg || !out->model || !out->command)
    return QS_ERR_INVALID;
  return write_set(dir, write_results, out, msg, msglen);
}

typedef struct {
  const char *name, *text;
} named_text;

static qs_status write_named_text(const char *dir, const void *data, char *msg, size_t msglen)
{
  (void)dir;
  const named_text *t = data;
  return write_text_file(t->name, t->text, NULL, NULL, msg, msglen);
}

qs_status qs_output_write_text(const char *dir, const char *name, const char *text,
                               char *msg, size_t msglen)
{
  if (!dir || !name || !text)
    return QS_ERR_INVALID;
  named_text t = {name, text};
  return write_set(dir, write_named_text, &t, msg, msglen);
}
