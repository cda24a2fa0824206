/* Checkpoints of an ensemble (checkpoint.h). */
#include "qsync/checkpoint.h"
#include "qsync/output.h"
#include "h5_impl.h"
#include "message_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void qs_checkpoint_fingerprint(const char *const *parts, int n_parts,
                               char out[QS_CHECKPOINT_FINGERPRINT])
{
  uint64_t h = 14695981039346656037ULL; /* FNV-1a offset basis */
  for (int k = 0; k < n_parts; k++) {
    const char *p = parts[k] ? parts[k] : "";
    do {
      h ^= (unsigned char)*p;
      h *= 1099511628211ULL; /* FNV prime */
    } while (*p++);
  }
  snprintf(out, QS_CHECKPOINT_FINGERPRINT, "%016" PRIx64 " %s", h, QSYNC_VERSION);
}

/* Flush the file or directory `path` to the disk; 0 or -1. */
static int sync_path(const char *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int err = fsync(fd);
  close(fd);
  return err;
}

/* Names of the origin's attributes, in the order of qs_checkpoint_origin. */
static const char *const origin_names[4] = {"command", "run_file", "run_file_path",
                                            "overrides"};

/* The fingerprint, the next trajectory and the origin as attributes of
 * the root. */
static qs_status stamp(const char *path, const qs_ensemble_result *res, const char *fingerprint,
                       const qs_checkpoint_origin *origin)
{
  hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  if (file < 0)
    return QS_ERR_HDF5;
  long next = res->first_index + res->ntraj;
  int err = qs_h5_write_string_attr(file, "fingerprint", fingerprint) ||
            qs_h5_write_attr(file, "next_trajectory", H5T_NATIVE_LONG, &next);
  const char *values[4] = {NULL, NULL, NULL, NULL};
  if (origin) {
    values[0] = origin->command;
    values[1] = origin->run_file;
    values[2] = origin->run_file_path;
    values[3] = origin->overrides;
  }
  for (int k = 0; k < 4 && !err; k++)
    err = qs_h5_write_string_attr(file, origin_names[k], values[k] ? values[k] : "");
  return H5Fclose(file) < 0 || err ? QS_ERR_HDF5 : QS_OK;
}

qs_status qs_checkpoint_write(const char *dir, const qs_ensemble_result *res,
                              const char *fingerprint, const qs_checkpoint_origin *origin,
                              char *msg, size_t msglen)
{
  if (!dir || !res || !fingerprint || res->n_blocks > 0)
    return QS_ERR_INVALID;
  char tmp[4096], final[4096];
  if (snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, QS_CHECKPOINT_NAME) >= (int)sizeof tmp ||
      snprintf(final, sizeof final, "%s/%s", dir, QS_CHECKPOINT_NAME) >= (int)sizeof final)
    return QS_ERR_INVALID;
  qs_status st = qs_ensemble_write(tmp, res, msg, msglen);
  if (st == QS_OK && stamp(tmp, res, fingerprint, origin) != QS_OK) {
    qs_set_message(msg, msglen, "%s: cannot stamp the checkpoint", tmp);
    st = QS_ERR_HDF5;
  }
  if (st == QS_OK && (sync_path(tmp) != 0 || rename(tmp, final) != 0 || sync_path(dir) != 0)) {
    qs_set_message(msg, msglen, "%s: cannot write the checkpoint (%s)", final, strerror(errno));
    st = QS_ERR_IO;
  }
  if (st != QS_OK)
    unlink(tmp);
  return st;
}

/* The string attribute `name` of the root of `path` into out[len]; 0 or -1. */
static int read_string_attr(const char *path, const char *name, char *out, size_t len)
{
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  char *s = file < 0 ? NULL : qs_h5_read_string_attr(file, name);
  if (s)
    snprintf(out, len, "%s", s);
  free(s);
  if (file >= 0)
    H5Fclose(file);
  return s ? 0 : -1;
}

qs_status qs_checkpoint_read_origin(const char *dir, char **command, char **run_file,
                                    char **run_file_path, char **overrides, char *msg,
                                    size_t msglen)
{
  char **out[4] = {command, run_file, run_file_path, overrides};
  for (int k = 0; k < 4; k++)
    *out[k] = NULL;
  char path[4096];
  if (!dir || snprintf(path, sizeof path, "%s/%s", dir, QS_CHECKPOINT_NAME) >= (int)sizeof path)
    return QS_ERR_INVALID;
  if (access(path, F_OK) != 0) {
    qs_set_message(msg, msglen, "%s: no checkpoint to resume from", path);
    return QS_ERR_IO;
  }
  qs_h5_begin();
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    qs_set_message(msg, msglen, "%s: cannot be read as a checkpoint", path);
    return QS_ERR_HDF5;
  }
  qs_status st = QS_OK;
  for (int k = 0; k < 4 && st == QS_OK; k++) {
    char *v = qs_h5_read_string_attr(file, origin_names[k]);
    *out[k] = v ? v : calloc(1, 1);
    if (!*out[k])
      st = QS_ERR_NOMEM;
  }
  H5Fclose(file);
  for (int k = 0; k < 4 && st != QS_OK; k++) {
    free(*out[k]);
    *out[k] = NULL;
  }
  return st;
}

qs_status qs_checkpoint_read(const char *dir, const char *fingerprint, qs_ensemble_result **res,
                             char *msg, size_t msglen)
{
  if (!dir || !fingerprint || !res)
    return QS_ERR_INVALID;
  *res = NULL;
  char path[4096], stored[QS_CHECKPOINT_FINGERPRINT + 64] = "";
  if (snprintf(path, sizeof path, "%s/%s", dir, QS_CHECKPOINT_NAME) >= (int)sizeof path)
    return QS_ERR_INVALID;
  if (access(path, F_OK) != 0) {
    qs_set_message(msg, msglen, "%s: no checkpoint to resume from", path);
    return QS_ERR_IO;
  }
  qs_h5_begin();
  if (read_string_attr(path, "fingerprint", stored, sizeof stored) != 0) {
    qs_set_message(msg, msglen, "%s: not a qsync checkpoint (no fingerprint)", path);
    return QS_ERR_HDF5;
  }
  if (strcmp(stored, fingerprint) != 0) {
    const char *v_old = strchr(stored, ' '), *v_new = strchr(fingerprint, ' ');
    if (!v_old || !v_new || strcmp(v_old, v_new) != 0)
      qs_set_message(msg, msglen, "%s: refused: written by qsync%s, this is qsync%s "
                     "(delete it to start over)", path, v_old ? v_old : " (unknown)", v_new);
    else
      qs_set_message(msg, msglen, "%s: refused: written for another run file or other "
                     "overrides (fingerprint %.16s, this run %.16s); delete it to start "
                     "over", path, stored, fingerprint);
    return QS_ERR_INVALID;
  }
  return qs_ensemble_read(path, NULL, 0, res, msg, msglen);
}

void qs_checkpoint_remove(const char *dir)
{
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", dir, QS_CHECKPOINT_NAME) < (int)sizeof path)
    unlink(path);
  if (snprintf(path, sizeof path, "%s/.%s.tmp", dir, QS_CHECKPOINT_NAME) < (int)sizeof path)
    unlink(path);
}
