/* Raw sums of an ensemble in run.h5 and back: the qs_accum_io functions
 * (accum.h), qs_ensemble_write_raw (h5_impl.h) and qs_ensemble_read
 * (ensemble.h). */
#include "accum_impl.h"
#include "h5_impl.h"
#include "message_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where raw sums go: an HDF5 group, or (mem not NULL) a byte buffer
 * (qs_accum_set_pack), in which the arrays of one accumulator lie between
 * `first` and the buffer's end as records {name length, name, n, n * 8 bytes}. */
typedef struct {
  unsigned char *data;
  size_t len, cap;
} byte_buffer;

struct qs_accum_io {
  hid_t group;
  byte_buffer *mem;
  size_t first, end;
};

/* ---- Arrays in a byte buffer ------------------------------------------------ */

static int buffer_append(byte_buffer *b, const void *data, size_t n)
{
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n)
      cap *= 2;
    unsigned char *grown = realloc(b->data, cap);
    if (!grown)
      return -1;
    b->data = grown;
    b->cap = cap;
  }
  if (n > 0)
    memcpy(b->data + b->len, data, n);
  b->len += n;
  return 0;
}

/* Doubles and longs are both 8 bytes (LP64), copied as bytes. */
static qs_status mem_put(qs_accum_io *io, const char *name, long n, const void *data)
{
  uint32_t name_len = (uint32_t)strlen(name);
  int64_t count = n;
  byte_buffer *b = io->mem;
  if (buffer_append(b, &name_len, sizeof name_len) || buffer_append(b, name, name_len) ||
      buffer_append(b, &count, sizeof count) || buffer_append(b, data, (size_t)n * 8))
    return QS_ERR_NOMEM;
  return QS_OK;
}

/* The record `name` of this accumulator: its count and data. */
static qs_status mem_find(const qs_accum_io *io, const char *name, long *n,
                          const unsigned char **data)
{
  const unsigned char *p = io->mem->data;
  size_t pos = io->first, want = strlen(name);
  while (pos + sizeof(uint32_t) <= io->end) {
    uint32_t name_len;
    int64_t count;
    memcpy(&name_len, p + pos, sizeof name_len);
    size_t at_count = pos + sizeof name_len + name_len;
    if (at_count + sizeof count > io->end)
      break;
    memcpy(&count, p + at_count, sizeof count);
    size_t at_data = at_count + sizeof count;
    if (count < 0 || (size_t)count > (io->end - at_data) / 8)
      break;
    if (name_len == want && memcmp(p + pos + sizeof name_len, name, want) == 0) {
      *n = (long)count;
      *data = p + at_data;
      return QS_OK;
    }
    pos = at_data + (size_t)count * 8;
  }
  return QS_ERR_DIMENSION;
}

static qs_status mem_get(qs_accum_io *io, const char *name, long n, void *data)
{
  long stored = 0;
  const unsigned char *from = NULL;
  qs_status st = mem_find(io, name, &stored, &from);
  if (st == QS_OK && stored != n)
    st = QS_ERR_DIMENSION;
  if (st == QS_OK && n > 0)
    memcpy(data, from, (size_t)n * 8);
  return st;
}

/* ---- Arrays --------------------------------------------------------------- */

static qs_status put_array(qs_accum_io *io, const char *name, hid_t type, long n,
                           const void *data)
{
  if (n < 0 || (n > 0 && !data))
    return QS_ERR_INVALID;
  if (io->mem)
    return mem_put(io, name, n, data);
  hsize_t dims = (hsize_t)n;
  return qs_h5_write(io->group, name, type, 1, &dims, data) ? QS_ERR_HDF5 : QS_OK;
}

qs_status qs_accum_io_put(qs_accum_io *io, const char *name, long n, const double *data)
{
  return put_array(io, name, H5T_NATIVE_DOUBLE, n, data);
}

qs_status qs_accum_io_put_long(qs_accum_io *io, const char *name, long n, const long *data)
{
  return put_array(io, name, H5T_NATIVE_LONG, n, data);
}

qs_status qs_accum_io_length(qs_accum_io *io, const char *name, long *n)
{
  if (io->mem) {
    const unsigned char *data = NULL;
    return mem_find(io, name, n, &data);
  }
  hid_t set = H5Dopen2(io->group, name, H5P_DEFAULT);
  if (set < 0)
    return QS_ERR_HDF5;
  hid_t space = H5Dget_space(set);
  hsize_t dims = 0;
  int rank = space < 0 ? -1 : H5Sget_simple_extent_dims(space, &dims, NULL);
  if (space >= 0)
    H5Sclose(space);
  H5Dclose(set);
  if (rank != 1)
    return QS_ERR_HDF5;
  *n = (long)dims;
  return QS_OK;
}

static qs_status get_array(qs_accum_io *io, const char *name, hid_t type, long n, void *data)
{
  if (io->mem)
    return mem_get(io, name, n, data);
  long stored = 0;
  qs_status st = qs_accum_io_length(io, name, &stored);
  if (st != QS_OK)
    return st;
  if (stored != n)
    return QS_ERR_DIMENSION;
  if (n == 0)
    return QS_OK;
  hid_t set = H5Dopen2(io->group, name, H5P_DEFAULT);
  herr_t err = set < 0 ? -1 : H5Dread(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  if (set >= 0)
    H5Dclose(set);
  return err < 0 ? QS_ERR_HDF5 : QS_OK;
}

qs_status qs_accum_io_get(qs_accum_io *io, const char *name, long n, double *data)
{
  return get_array(io, name, H5T_NATIVE_DOUBLE, n, data);
}

qs_status qs_accum_io_get_long(qs_accum_io *io, const char *name, long n, long *data)
{
  return get_array(io, name, H5T_NATIVE_LONG, n, data);
}

/* ---- Sets of accumulators: one subgroup per type ----------------------------- */

static qs_status write_set(hid_t parent, const char *name, const qs_accum *set, int n)
{
  hid_t g = qs_h5_create_group(parent, name);
  if (g < 0)
    return QS_ERR_HDF5;
  qs_status st = QS_OK;
  for (int a = 0; a < n && st == QS_OK; a++) {
    qs_accum_io io = {.group = qs_h5_create_group(g, set[a].type->name)};
    st = io.group < 0 ? QS_ERR_HDF5 : set[a].type->write(set[a].state, &io);
    if (io.group >= 0)
      H5Gclose(io.group);
  }
  H5Gclose(g);
  return st;
}

static qs_status read_set(hid_t parent, const char *name, qs_accum *set, int n)
{
  hid_t g = H5Gopen2(parent, name, H5P_DEFAULT);
  if (g < 0)
    return QS_ERR_HDF5;
  qs_status st = QS_OK;
  for (int a = 0; a < n && st == QS_OK; a++) {
    qs_accum_io io = {.group = H5Gopen2(g, set[a].type->name, H5P_DEFAULT)};
    st = io.group < 0 ? QS_ERR_HDF5 : set[a].type->read(set[a].state, &io);
    if (io.group >= 0)
      H5Gclose(io.group);
  }
  H5Gclose(g);
  return st;
}

/* ---- Sets as bytes: {section length, records} per accumulator -------------- */

qs_status qs_accum_set_pack(const qs_accum *set, int n, void **bytes, size_t *len)
{
  byte_buffer b = {NULL, 0, 0};
  qs_status st = QS_OK;
  for (int a = 0; a < n && st == QS_OK; a++) {
    uint64_t section = 0;
    size_t at = b.len;
    if (buffer_append(&b, &section, sizeof section)) {
      st = QS_ERR_NOMEM;
      break;
    }
    qs_accum_io io = {.mem = &b};
    st = set[a].type->write(set[a].state, &io);
    section = (uint64_t)(b.len - at - sizeof section);
    if (st == QS_OK)
      memcpy(b.data + at, &section, sizeof section);
  }
  if (st != QS_OK) {
    free(b.data);
    b.data = NULL;
    b.len = 0;
  }
  *bytes = b.data;
  *len = b.len;
  return st;
}

qs_status qs_accum_set_unpack(qs_accum *set, int n, const void *bytes, size_t len)
{
  byte_buffer b = {(unsigned char *)bytes, len, len};
  size_t pos = 0;
  qs_status st = QS_OK;
  for (int a = 0; a < n && st == QS_OK; a++) {
    uint64_t section = 0;
    if (pos + sizeof section > len)
      return QS_ERR_DIMENSION;
    memcpy(&section, b.data + pos, sizeof section);
    pos += sizeof section;
    if (section > len - pos)
      return QS_ERR_DIMENSION;
    qs_accum_io io = {.mem = &b, .first = pos, .end = pos + section};
    st = set[a].type->read(set[a].state, &io);
    pos += section;
  }
  return st == QS_OK && pos != len ? QS_ERR_DIMENSION : st;
}

/* ---- Attributes ------------------------------------------------------------- */

static int get_attr(hid_t loc, const char *name, hid_t type, void *value)
{
  hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
  herr_t err = attr < 0 ? -1 : H5Aread(attr, type, value);
  if (attr >= 0)
    H5Aclose(attr);
  return attr < 0 || err < 0;
}

/* The shape and bookkeeping written with the sums. */
typedef struct {
  long ntraj, first_index, n_times, n_avg, n_obs, dim, n_channels, n_blocks;
} raw_header;

#define RAW_HEADER_FIELDS(X)                                                     \
  X(ntraj) X(first_index) X(n_times) X(n_avg) X(n_obs) X(dim) X(n_channels) X(n_blocks)

static int put_header(hid_t g, const raw_header *h)
{
  int err = 0;
#define PUT_FIELD(f) err = err || qs_h5_write_attr(g, #f, H5T_NATIVE_LONG, &h->f);
  RAW_HEADER_FIELDS(PUT_FIELD)
#undef PUT_FIELD
  return err;
}

static int get_header(hid_t g, raw_header *h)
{
  int err = 0;
#define GET_FIELD(f) err = err || get_attr(g, #f, H5T_NATIVE_LONG, &h->f);
  RAW_HEADER_FIELDS(GET_FIELD)
#undef GET_FIELD
  return err;
}

/* ---- Writing ---------------------------------------------------------------- */

static char *type_names(const qs_ensemble_result *r)
{
  size_t len = 1;
  for (int a = 0; a < r->n_accums; a++)
    len += strlen(r->accums[a].type->name) + 1;
  char *s = calloc(len, 1);
  for (int a = 0; s && a < r->n_accums; a++) {
    if (a > 0)
      strcat(s, ",");
    strcat(s, r->accums[a].type->name);
  }
  return s;
}

static qs_status write_blocks(hid_t raw, const qs_ensemble_result *r)
{
  hid_t g = qs_h5_create_group(raw, "blocks");
  if (g < 0)
    return QS_ERR_HDF5;
  qs_status st = QS_OK;
  for (long b = 0; b < r->n_blocks && st == QS_OK; b++) {
    char name[32];
    snprintf(name, sizeof name, "%ld", b);
    st = write_set(g, name, r->blocks + b * r->n_accums, r->n_accums);
  }
  H5Gclose(g);
  return st;
}

qs_status qs_ensemble_write_raw(hid_t parent, const qs_ensemble_result *r)
{
  raw_header h = {r->ntraj,  r->first_index, r->n_times,    r->n_avg,
                  r->n_obs,  (long)r->dim,   r->n_channels, r->n_blocks};
  char *names = type_names(r);
  hid_t g = names ? qs_h5_create_group(parent, "raw") : -1;
  qs_status st = g < 0 ? QS_ERR_HDF5 : QS_OK;
  if (st == QS_OK && (put_header(g, &h) || qs_h5_write_attr(g, "seed", H5T_NATIVE_UINT64, &r->seed) ||
                      qs_h5_write_string_attr(g, "accumulators", names)))
    st = QS_ERR_HDF5;
  if (st == QS_OK)
    st = write_set(g, "total", r->accums, r->n_accums);
  if (st == QS_OK && r->n_blocks > 0)
    st = write_blocks(g, r);
  if (g >= 0)
    H5Gclose(g);
  free(names);
  return st;
}

/* ---- Reading ---------------------------------------------------------------- */

/* Look up each name of the comma-separated list. */
static qs_status find_types(char *names, const qs_accum_type *const *extra, int n_extra,
                            const qs_accum_type **types, int *n, char *msg, size_t msglen)
{
  *n = 0;
  for (char *save = NULL, *name = strtok_r(names, ",", &save); name;
       name = strtok_r(NULL, ",", &save)) {
    const qs_accum_type *t = qs_accum_find_type(name, extra, n_extra);
    if (!t || *n == QS_ENSEMBLE_MAX_ACCUMS) {
      qs_set_message(msg, msglen, "accumulator '%s': %s", name,
                     t ? "too many accumulators" : "unknown type (pass it in extra)");
      return QS_ERR_INVALID;
    }
    types[(*n)++] = t;
  }
  return QS_OK;
}

static qs_status read_blocks(hid_t raw, qs_ensemble_result *r, long n_blocks)
{
  hid_t g = n_blocks > 0 ? H5Gopen2(raw, "blocks", H5P_DEFAULT) : -1;
  if (n_blocks > 0 && g < 0)
    return QS_ERR_HDF5;
  qs_status st = QS_OK;
  for (long b = 0; b < n_blocks && st == QS_OK; b++) {
    char name[32];
    snprintf(name, sizeof name, "%ld", b);
    qs_accum *slot = NULL;
    st = qs_ensemble_result_add_block(r, &slot);
    if (st == QS_OK)
      st = read_set(g, name, slot, r->n_accums);
  }
  if (g >= 0)
    H5Gclose(g);
  return st;
}

/* The result described by the open group /trajectory/raw of `file`. */
static qs_status read_raw(hid_t file, hid_t raw, const qs_accum_type *const *extra,
                          int n_extra, qs_ensemble_result **out, char *msg, size_t msglen)
{
  raw_header h;
  uint64_t seed = 0;
  char *names = qs_h5_read_string_attr(raw, "accumulators");
  qs_status st = !names || get_header(raw, &h) || get_attr(raw, "seed", H5T_NATIVE_UINT64, &seed)
                     ? QS_ERR_HDF5 : QS_OK;
  if (st == QS_OK && (h.n_times < 1 || h.n_times > 1L << 30 || h.n_obs < 0 || h.dim < 1 ||
                      h.n_channels < 0 || h.n_blocks < 0))
    st = QS_ERR_DIMENSION;
  const qs_accum_type *types[QS_ENSEMBLE_MAX_ACCUMS];
  int n_types = 0;
  if (st == QS_OK)
    st = find_types(names, extra, n_extra, types, &n_types, msg, msglen);
  free(names);
  double *times = st == QS_OK ? malloc((size_t)h.n_times * sizeof *times) : NULL;
  if (st == QS_OK && !times)
    st = QS_ERR_NOMEM;
  if (st == QS_OK) {
    qs_accum_io top = {.group = file};
    st = qs_accum_io_get(&top, "times", h.n_times, times);
  }
  qs_accum_shape shape = {(int)h.n_times, times, (int)h.n_avg, (int)h.n_obs,
                          (qs_index)h.dim, (int)h.n_channels, QS_ACCUM_TOTAL};
  if (st == QS_OK)
    st = qs_ensemble_result_new(&shape, types, n_types, seed, h.first_index, out);
  free(times);
  if (st == QS_OK)
    st = read_set(raw, "total", (*out)->accums, n_types);
  if (st == QS_OK)
    st = read_blocks(raw, *out, h.n_blocks);
  if (*out)
    qs_ensemble_result_sync(*out);
  if (st == QS_OK && (*out)->ntraj != h.ntraj)
    st = QS_ERR_DIMENSION;
  return st;
}

qs_status qs_ensemble_read(const char *path, const qs_accum_type *const *extra, int n_extra,
                           qs_ensemble_result **out, char *msg, size_t msglen)
{
  if (!path || !out || n_extra < 0 || (n_extra > 0 && !extra))
    return QS_ERR_INVALID;
  *out = NULL;
  qs_h5_begin();
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t raw = file < 0 ? -1 : H5Gopen2(file, "/trajectory/raw", H5P_DEFAULT);
  qs_status st = raw < 0 ? QS_ERR_HDF5 : read_raw(file, raw, extra, n_extra, out, msg, msglen);
  if (raw >= 0)
    H5Gclose(raw);
  if (file >= 0)
    H5Fclose(file);
  if (st == QS_ERR_HDF5 || st == QS_ERR_DIMENSION)
    qs_set_message(msg, msglen, "%s: %s", path,
                   raw < 0 ? "no raw sums (/trajectory/raw) to read"
                           : "raw sums are incomplete or of the wrong shape");
  if (st != QS_OK)
    qs_ensemble_result_destroy(out);
  return st;
}

qs_status qs_ensemble_write(const char *path, const qs_ensemble_result *res, char *msg,
                            size_t msglen)
{
  if (!path || !res)
    return QS_ERR_INVALID;
  qs_h5_begin();
  hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t g = file < 0 ? -1 : qs_h5_create_group(file, "trajectory");
  hsize_t n_times = (hsize_t)res->n_times;
  qs_status st = g < 0 || qs_h5_write(file, "times", H5T_NATIVE_DOUBLE, 1, &n_times,
                                      res->times)
                     ? QS_ERR_HDF5
                     : qs_ensemble_write_raw(g, res);
  if (g >= 0)
    H5Gclose(g);
  if (file >= 0 && H5Fclose(file) < 0 && st == QS_OK)
    st = QS_ERR_HDF5;
  if (st != QS_OK)
    qs_set_message(msg, msglen, "%s: writing the raw sums failed (%s)", path,
                   qs_strerror(st));
  return st;
}
