/* The output directory: checks, lock, and sets of files written whole;
 * see include/qsync/outdir.h. */
#include "outdir_impl.h"
#include "message_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- The lock --------------------------------------------------------------- */

typedef struct {
  int fd;                            /* -1 when not held */
  char path[QS_OUTSET_PATH];         /* DIR/.qsync.lock */
  char dir[QS_RUNFILE_MAX_PATH];
  dev_t dev;                         /* the directory's identity */
  ino_t ino;
  int created;                       /* the claim created the directory */
} outdir_lock;

/* The process's claim (qs_outdir_claim) and a claim taken by one write of
 * output.c on another directory; both are static so that a signal handler
 * can remove their lock files. */
static outdir_lock claimed = {.fd = -1};
static void stage_in(const char *dir);
static outdir_lock transient = {.fd = -1};

/* Create dir and its parents; *created tells whether the last one is new. */
static qs_status make_dirs(const char *dir, int *created, char *msg, size_t msglen)
{
  char path[QS_RUNFILE_MAX_PATH];
  snprintf(path, sizeof path, "%s", dir);
  *created = 0;
  for (char *p = path + 1; ; p++) {
    if (*p == '/' || *p == '\0') {
      char saved = *p;
      *p = '\0';
      int made = mkdir(path, 0777) == 0;
      if (!made && errno != EEXIST) {
        qs_set_message(msg, msglen, "%s: cannot create output directory (%s)", path,
                       strerror(errno));
        return QS_ERR_IO;
      }
      *p = saved;
      if (saved == '\0') {
        *created = made;
        break;
      }
    }
  }
  return QS_OK;
}

/* Open and lock DIR/.qsync.lock.  The lock file is removed on release, so
 * the lock taken must be on the file that the path still names (another
 * process may have removed it between our open and our flock). */
static qs_status take_lock(outdir_lock *l, char *msg, size_t msglen)
{
  snprintf(l->path, sizeof l->path, "%s/%s", l->dir, QS_OUTDIR_LOCK_NAME);
  for (int attempt = 0; attempt < 100; attempt++) {
    int fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
      qs_set_message(msg, msglen, "%s: output directory is not writable (%s)", l->dir,
                     strerror(errno));
      return QS_ERR_IO;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int busy = errno == EWOULDBLOCK;
      int e = errno;
      close(fd);
      qs_set_message(msg, msglen,
                     busy ? "%s: another qsync run is writing to this output directory "
                            "(lock %s); wait for it or choose another --out"
                          : "%s: cannot lock the output directory (%s)",
                     l->dir, busy ? l->path : strerror(e));
      return QS_ERR_IO;
    }
    struct stat held, named;
    if (fstat(fd, &held) == 0 && stat(l->path, &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev) {
      l->fd = fd;
      return QS_OK;
    }
    close(fd);
  }
  qs_set_message(msg, msglen, "%s: cannot lock the output directory", l->dir);
  return QS_ERR_IO;
}

static qs_status lock_dir(outdir_lock *l, const char *dir, char *msg, size_t msglen)
{
  if (!dir[0]) {
    qs_set_message(msg, msglen, "empty output directory name");
    return QS_ERR_INVALID;
  }
  size_t len = strlen(dir);
  if (len >= QS_RUNFILE_MAX_PATH) {
    qs_set_message(msg, msglen, "%.40s...: output directory name too long (%zu characters, "
                   "at most %d)", dir, len, QS_RUNFILE_MAX_PATH - 1);
    return QS_ERR_INVALID;
  }
  snprintf(l->dir, sizeof l->dir, "%s", dir);
  qs_status st = make_dirs(dir, &l->created, msg, msglen);
  struct stat s;
  if (st == QS_OK && (stat(dir, &s) != 0 || !S_ISDIR(s.st_mode))) {
    qs_set_message(msg, msglen, "%s: output location exists and is not a directory", dir);
    st = QS_ERR_IO;
  }
  if (st == QS_OK)
    st = take_lock(l, msg, msglen);
  if (st != QS_OK) {
    if (l->created)
      rmdir(dir);
    return st;
  }
  l->dev = s.st_dev;
  l->ino = s.st_ino;
  return QS_OK;
}

static void unlock_dir(outdir_lock *l)
{
  if (l->fd < 0)
    return;
  /* Unlink while holding the lock: see take_lock. */
  unlink(l->path);
  close(l->fd);
  l->fd = -1;
  if (l->created)
    rmdir(l->dir); /* only when the run left nothing in it */
}

static int holds(const outdir_lock *l, const char *dir)
{
  struct stat s;
  return l->fd >= 0 && stat(dir, &s) == 0 && s.st_dev == l->dev && s.st_ino == l->ino;
}

int qs_outdir_holds(const char *dir)
{
  return dir && holds(&claimed, dir);
}

qs_status qs_outdir_claim(const char *dir, char *msg, size_t msglen)
{
  if (!dir)
    return QS_ERR_INVALID;
  if (holds(&claimed, dir))
    return QS_OK;
  qs_outdir_release();
  qs_status st = lock_dir(&claimed, dir, msg, msglen);
  if (st == QS_OK)
    stage_in(dir);
  return st;
}

/* ---- The set of files --------------------------------------------------------- */

enum { MAX_SET_FILES = 64 };

typedef struct {
  char dir[QS_RUNFILE_MAX_PATH];
  char tmp[MAX_SET_FILES][QS_OUTSET_PATH];
  char final[MAX_SET_FILES][QS_OUTSET_PATH];
  volatile sig_atomic_t n;           /* registered temporaries */
  int failed;                        /* a write of the set failed */
} file_set;

/* The files staged in the claimed directory since the claim (renamed by
 * qs_outdir_commit), and the set of one write elsewhere (renamed at its
 * end); `current` is the one being written. */
static file_set staged, transient_set;
static file_set *current = &transient_set;
/* Scratch files of the claimed directory (qs_outdir_scratch): removed,
 * never renamed. */
static file_set scratch;

static void discard(file_set *fs)
{
  for (int k = fs->n - 1; k >= 0; k--) {
    unlink(fs->tmp[k]);
    fs->n = k;
  }
}

static void stage_in(const char *dir)
{
  discard(&staged);
  staged.failed = 0;
  snprintf(staged.dir, sizeof staged.dir, "%s", dir);
}

void qs_outset_begin(const char *dir)
{
  current = holds(&claimed, dir) ? &staged : &transient_set;
  if (current == &transient_set) {
    discard(current);
    current->failed = 0;
    snprintf(current->dir, sizeof current->dir, "%s", dir);
  }
}

int qs_outset_add(const char *name, char *tmp, size_t tmplen, char *msg, size_t msglen)
{
  file_set *fs = current;
  int k = fs->n;
  char path[QS_OUTSET_PATH], final[QS_OUTSET_PATH];
  if (strchr(name, '/') || k == MAX_SET_FILES ||
      snprintf(final, sizeof final, "%s/%s", fs->dir, name) >= (int)sizeof final ||
      snprintf(path, sizeof path, "%s/.%s.XXXXXX", fs->dir, name) >= (int)sizeof path ||
      strlen(path) >= tmplen) {
    qs_set_message(msg, msglen, "%s/%s: invalid output file name or too many files", fs->dir,
                   name);
    return -1;
  }
  /* Registered before it exists, so that a signal cannot leave it behind. */
  memcpy(fs->final[k], final, sizeof final);
  memcpy(fs->tmp[k], path, sizeof path);
  fs->n = k + 1;
  int fd = mkstemp(fs->tmp[k]);
  if (fd < 0) {
    qs_set_message(msg, msglen, "%s: cannot create a temporary in the output directory (%s)",
                   fs->final[k], strerror(errno));
    fs->n = k;
    return -1;
  }
  snprintf(tmp, tmplen, "%s", fs->tmp[k]);
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask); /* mkstemp makes 0600; results stay as readable as before */
  return fd;
}

int qs_outdir_scratch(const char *name, char *path, size_t pathlen, char *msg, size_t msglen)
{
  int k = scratch.n;
  char tmp[QS_OUTSET_PATH];
  if (claimed.fd < 0 || !name || strchr(name, '/') || k == MAX_SET_FILES ||
      snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", claimed.dir, name) >= (int)sizeof tmp ||
      strlen(tmp) >= pathlen) {
    qs_set_message(msg, msglen, "scratch file %s: no output directory claimed, invalid name "
                   "or too many files", name ? name : "(null)");
    return -1;
  }
  memcpy(scratch.tmp[k], tmp, sizeof tmp); /* registered first, as qs_outset_add */
  scratch.n = k + 1;
  int fd = mkstemp(scratch.tmp[k]);
  if (fd < 0) {
    qs_set_message(msg, msglen, "%s/.%s: cannot create a scratch file (%s)", claimed.dir, name,
                   strerror(errno));
    scratch.n = k;
    return -1;
  }
  snprintf(path, pathlen, "%s", scratch.tmp[k]);
  return fd;
}

int qs_outset_sync_path(const char *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int err = fsync(fd);
  int e = errno;
  close(fd);
  errno = e;
  return err;
}

static qs_status rename_all(file_set *fs, char *msg, size_t msglen);

/* Set while the renames of a set run: a signal then waits for their end
 * (qs_outdir_abandon), so that a set is never half in place. */
static volatile sig_atomic_t committing, deferred_signal;

static qs_status commit(file_set *fs, char *msg, size_t msglen)
{
  committing = 1;
  qs_status st = rename_all(fs, msg, msglen);
  committing = 0;
  return st;
}

static qs_status rename_all(file_set *fs, char *msg, size_t msglen)
{
  for (int k = 0; k < fs->n; k++) {
    struct stat s;
    if (stat(fs->final[k], &s) == 0 && S_ISDIR(s.st_mode)) {
      qs_set_message(msg, msglen, "%s: is a directory; no result file was changed",
                     fs->final[k]);
      discard(fs);
      return QS_ERR_IO;
    }
  }
  for (int k = 0; k < fs->n; k++) {
    if (rename(fs->tmp[k], fs->final[k]) != 0) {
      qs_set_message(msg, msglen, "%s: cannot rename the finished file into place (%s)",
                     fs->final[k], strerror(errno));
      for (int j = k; j < fs->n; j++)
        unlink(fs->tmp[j]);
      fs->n = 0;
      return QS_ERR_IO;
    }
  }
  int had_files = fs->n > 0;
  fs->n = 0;
  /* The renames are durable once the directory is synced. */
  int fd = had_files ? open(fs->dir, O_RDONLY | O_CLOEXEC) : -1;
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  return QS_OK;
}

qs_status qs_outset_end(qs_status st, char *msg, size_t msglen)
{
  file_set *fs = current;
  current = &transient_set;
  if (fs == &staged) {
    if (st != QS_OK) {
      fs->failed = 1; /* the whole staged set goes: see qs_outdir_commit */
      discard(fs);
    }
    return st;
  }
  if (st == QS_OK)
    return commit(fs, msg, msglen);
  discard(fs);
  return st;
}

qs_status qs_outdir_commit(char *msg, size_t msglen)
{
  discard(&scratch);
  if (staged.failed) {
    discard(&staged);
    staged.failed = 0;
    qs_set_message(msg, msglen, "%s: a result file could not be written; no result file was "
                   "changed", staged.dir);
    return QS_ERR_IO;
  }
  return commit(&staged, msg, msglen);
}

qs_status qs_outset_lock(const char *dir, int *taken, char *msg, size_t msglen)
{
  *taken = 0;
  if (holds(&claimed, dir))
    return QS_OK;
  unlock_dir(&transient);
  qs_status st = lock_dir(&transient, dir, msg, msglen);
  *taken = st == QS_OK;
  return st;
}

void qs_outset_unlock(void)
{
  unlock_dir(&transient);
}

/* ---- Release ------------------------------------------------------------------ */

void qs_outdir_release(void)
{
  discard(&scratch);
  discard(&transient_set);
  discard(&staged);
  staged.failed = 0;
  unlock_dir(&transient);
  unlock_dir(&claimed);
}

int qs_outdir_pending_signal(void)
{
  return deferred_signal;
}

int qs_outdir_abandon(int sig)
{
  if (committing) {
    deferred_signal = sig;
    return 0;
  }
  for (int k = staged.n - 1; k >= 0; k--)
    unlink(staged.tmp[k]);
  for (int k = transient_set.n - 1; k >= 0; k--)
    unlink(transient_set.tmp[k]);
  for (int k = scratch.n - 1; k >= 0; k--)
    unlink(scratch.tmp[k]);
  if (transient.fd >= 0)
    unlink(transient.path);
  if (claimed.fd >= 0) {
    unlink(claimed.path);
    if (claimed.created)
      rmdir(claimed.dir);
  }
  return 1;
}
