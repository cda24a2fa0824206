/* Output files: HDF5 contents read back, TSV header, atomic rename. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

/* Entries of dir whose name starts with '.' (temporaries, the lock),
 * besides . and ..; -1 when dir cannot be read. */
static int hidden_entries(const char *dir)
{
  DIR *d = opendir(dir);
  if (!d)
    return -1;
  int n = 0;
  for (struct dirent *e; (e = readdir(d));)
    n += e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(d);
  return n;
}

/* The whole content of a file (malloc'd, NUL-terminated; NULL if absent). */
static char *slurp(const char *path, long *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  *len = ftell(f);
  rewind(f);
  char *buf = malloc((size_t)*len + 1);
  if (buf && fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  return buf;
}

static void test_write_and_read_back(void)
{
  qs_runconfig cfg;
  char msg[512] = "";
  FILE *f = fopen("/tmp/qsync_output_test.ini", "w");
  fputs("[model]\ng = 1.5\n[run]\nntraj = 70\nt_end = 2\nn_times = 3\nburn_in = 1\n", f);
  fclose(f);
  CU_ASSERT_EQUAL_FATAL(qs_runfile_load("/tmp/qsync_output_test.ini", &cfg, msg, sizeof msg),
                        QS_OK);
  qs_model *m = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_model_create(cfg.model_type, cfg.model_values, &m, msg, sizeof msg),
                        QS_OK);
  double times[3] = {0, 1, 2};
  qs_ensemble_options o = qs_ensemble_default_options();
  o.ntraj = cfg.ntraj;
  o.times = times;
  o.n_times = 3;
  o.burn_in = 1;
  o.store_rho = 1;
  qs_ensemble_result *r = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_ensemble_run(m, NULL, &o, &r, msg, sizeof msg), QS_OK);
  double complex rho[16], obs[QS_STEADY_POINT_MAX_OBS];
  double residual;
  CU_ASSERT_EQUAL(qs_steady_state(m, QS_STEADY_DENSE, rho, &residual), QS_OK);
  for (int k = 0; k < m->n_obs; k++)
    obs[k] = qs_op_trace_with(m->obs[k], rho);
  char dir[] = "/tmp/qsync_out_XXXXXX";
  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  char sub[128];
  snprintf(sub, sizeof sub, "%s/a/b", dir); /* parents are created */
  qs_output out = {.command = "compare", .cfg = &cfg, .model = m, .ens = r,
                   .exact_obs = obs, .exact_rho = rho, .exact_residual = residual};
  CU_ASSERT_EQUAL(qs_output_write(sub, &out, msg, sizeof msg), QS_OK);

  char path[256];
  snprintf(path, sizeof path, "%s/run.h5", sub);
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  CU_ASSERT_FATAL(file >= 0);
  double mean[3 * QS_STEADY_POINT_MAX_OBS * 2], exact_rho[16 * 2], g = 0;
  const int n_obs = m->n_obs;
  hid_t d = H5Dopen2(file, "/trajectory/mean", H5P_DEFAULT);
  CU_ASSERT(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, mean) >= 0);
  H5Dclose(d);
  /* [t=1][Sz_A][re] */
  CU_ASSERT_DOUBLE_EQUAL(mean[(1 * n_obs + 2) * 2], creal(r->obs_sum[1 * n_obs + 2]) / 70.0,
                         1e-15);
  d = H5Dopen2(file, "/exact/rho", H5P_DEFAULT);
  CU_ASSERT(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, exact_rho) >= 0);
  H5Dclose(d);
  /* stored [i][j]: element (0, 3) is rho[0 + 3*4] in column-major */
  CU_ASSERT_DOUBLE_EQUAL(exact_rho[(0 * 4 + 3) * 2], creal(rho[0 + 3 * 4]), 0);
  hid_t grp = H5Gopen2(file, "parameters", H5P_DEFAULT);
  hid_t a = H5Aopen(grp, "g", H5P_DEFAULT);
  H5Aread(a, H5T_NATIVE_DOUBLE, &g);
  CU_ASSERT_DOUBLE_EQUAL(g, 1.5, 0);
  H5Aclose(a);
  H5Gclose(grp);
  CU_ASSERT(H5Aexists(file, "run_file") > 0);
  CU_ASSERT(H5Aexists(file, "seed") > 0);
  H5Fclose(file);

  /* The raw sums read back are the result's, bit for bit. */
  qs_ensemble_result *back = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_ensemble_read(path, NULL, 0, &back, msg, sizeof msg), QS_OK);
  size_t n_obs_t = 3 * (size_t)n_obs;
  CU_ASSERT_EQUAL(back->ntraj, 70);
  CU_ASSERT_EQUAL(back->n_avg, r->n_avg);
  CU_ASSERT(memcmp(back->obs_sum, r->obs_sum, n_obs_t * sizeof *r->obs_sum) == 0);
  CU_ASSERT(memcmp(back->obs_sq_im, r->obs_sq_im, n_obs_t * sizeof *r->obs_sq_im) == 0);
  CU_ASSERT(memcmp(back->avg_sq_re, r->avg_sq_re, (size_t)n_obs * sizeof *r->avg_sq_re) == 0);
  CU_ASSERT(memcmp(back->rho_sum, r->rho_sum, 3 * 16 * sizeof *r->rho_sum) == 0);
  CU_ASSERT(memcmp(back->rho_avg_group, r->rho_avg_group,
                   QS_ENSEMBLE_GROUPS * 16 * sizeof *r->rho_avg_group) == 0);
  CU_ASSERT(memcmp(back->jump_count, r->jump_count, (size_t)m->n_c * sizeof(long)) == 0);
  CU_ASSERT(memcmp(&back->work, &r->work, sizeof r->work) == 0);
  qs_ensemble_result_destroy(&back);

  snprintf(path, sizeof path, "%s/summary.tsv", sub);
  FILE *tsv = fopen(path, "r");
  CU_ASSERT_PTR_NOT_NULL_FATAL(tsv);
  char line[1024];
  CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof line, tsv));
  CU_ASSERT_EQUAL(strncmp(line, "# t\tSp_A.re\tSp_A.im\tSp_A.re_se\tSp_A.im_se", 40), 0);
  int rows = 0;
  while (fgets(line, sizeof line, tsv))
    rows++;
  CU_ASSERT_EQUAL(rows, 3);
  fclose(tsv);
  CU_ASSERT_EQUAL(hidden_entries(sub), 0); /* no temporary or lock left behind */

  /* An output directory that cannot be created is a clear error. */
  CU_ASSERT_EQUAL(qs_output_write("/proc/qsync/x", &out, msg, sizeof msg), QS_ERR_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "/proc/qsync"));
  qs_ensemble_result_destroy(&r);
  qs_model_destroy(&m);
  qs_runfile_release(&cfg);
  unlink("/tmp/qsync_output_test.ini");
}

/* The claim checks the name, creates the directory and locks it against
 * any other open of the lock file (flock is per open file, so an open of
 * our own stands for another process). */
static void test_claim_and_lock(void)
{
  char msg[512] = "";
  char dir[] = "/tmp/qsync_claim_XXXXXX";
  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  char sub[128], lock[160];
  snprintf(sub, sizeof sub, "%s/x/y", dir);
  snprintf(lock, sizeof lock, "%s/%s", sub, QS_OUTDIR_LOCK_NAME);

  CU_ASSERT_EQUAL_FATAL(qs_outdir_claim(sub, msg, sizeof msg), QS_OK);
  struct stat s;
  CU_ASSERT(stat(sub, &s) == 0 && S_ISDIR(s.st_mode));
  CU_ASSERT_EQUAL(qs_outdir_holds(sub), 1);
  snprintf(msg, sizeof msg, "%s/x/./y/", dir); /* another spelling, same directory */
  CU_ASSERT_EQUAL(qs_outdir_holds(msg), 1);
  int other = open(lock, O_RDWR);
  CU_ASSERT_FATAL(other >= 0);
  CU_ASSERT_NOT_EQUAL(flock(other, LOCK_EX | LOCK_NB), 0);
  CU_ASSERT_EQUAL(errno, EWOULDBLOCK);
  close(other);
  /* The holder itself may write. */
  CU_ASSERT_EQUAL(qs_output_write_text(sub, "a.txt", "a\n", msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(qs_outdir_commit(msg, sizeof msg), QS_OK);
  qs_outdir_release();
  CU_ASSERT_NOT_EQUAL(access(lock, F_OK), 0); /* the lock file is removed */
  CU_ASSERT_EQUAL(qs_outdir_holds(sub), 0);

  /* Held by someone else: refused, with the directory named; writes too. */
  other = open(lock, O_RDWR | O_CREAT, 0666);
  CU_ASSERT_FATAL(other >= 0);
  CU_ASSERT_EQUAL_FATAL(flock(other, LOCK_EX | LOCK_NB), 0);
  CU_ASSERT_EQUAL(qs_outdir_claim(sub, msg, sizeof msg), QS_ERR_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, sub));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "another qsync run"));
  CU_ASSERT_EQUAL(qs_output_write_text(sub, "a.txt", "b\n", msg, sizeof msg), QS_ERR_IO);
  close(other);
  unlink(lock);
  long len = 0;
  char *text = slurp(strcat(strcat(strcpy(msg, sub), "/"), "a.txt"), &len);
  CU_ASSERT(text && len == 2 && text[0] == 'a'); /* the refused write changed nothing */
  free(text);
  unlink(msg);

  /* Names that are refused before anything is created. */
  CU_ASSERT_EQUAL(qs_outdir_claim("", msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "empty"));
  char long_name[QS_RUNFILE_MAX_PATH + 16];
  snprintf(long_name, sizeof long_name, "%s/", dir);
  size_t n = strlen(long_name);
  memset(long_name + n, 'd', sizeof long_name - n - 1);
  long_name[sizeof long_name - 1] = '\0';
  CU_ASSERT_EQUAL(qs_outdir_claim(long_name, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "too long"));
  snprintf(long_name, sizeof long_name, "%s/file", dir);
  FILE *f = fopen(long_name, "w");
  fclose(f);
  CU_ASSERT_EQUAL(qs_outdir_claim(long_name, msg, sizeof msg), QS_ERR_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "not a directory"));
  CU_ASSERT_EQUAL(qs_outdir_claim("/dev/full", msg, sizeof msg), QS_ERR_IO);
  unlink(long_name);
  rmdir(sub);
  snprintf(sub, sizeof sub, "%s/x", dir);
  rmdir(sub);
  CU_ASSERT_EQUAL(rmdir(dir), 0); /* nothing else was left */
}

/* A set of files in which one file fails changes no final file and leaves
 * no temporary: the table whose name has a '/' fails after run.h5 and
 * summary.tsv of the set were written. */
static void test_failed_set_changes_nothing(void)
{
  qs_runconfig cfg;
  char msg[512] = "";
  FILE *f = fopen("/tmp/qsync_output_set.ini", "w");
  fputs("[model]\ng = 1.5\n", f);
  fclose(f);
  CU_ASSERT_EQUAL_FATAL(qs_runfile_load("/tmp/qsync_output_set.ini", &cfg, msg, sizeof msg),
                        QS_OK);
  qs_model *m = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_model_create(cfg.model_type, cfg.model_values, &m, msg, sizeof msg),
                        QS_OK);
  double complex obs[QS_STEADY_POINT_MAX_OBS] = {0};
  static const char *const cols[] = {"x"};
  const double one = 1.0, two = 2.0;
  qs_table good[2] = {{"summary", 1, cols, 1, &one, NULL}, {"extra", 1, cols, 1, &one, NULL}};
  qs_output out = {.command = "steady", .cfg = &cfg, .model = m, .exact_obs = obs,
                   .n_tables = 2, .tables = good};
  char dir[] = "/tmp/qsync_set_XXXXXX";
  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  CU_ASSERT_EQUAL_FATAL(qs_output_write(dir, &out, msg, sizeof msg), QS_OK);
  const char *names[] = {"run.h5", "summary.tsv", "extra.tsv"};
  char path[3][128], *before[3];
  long len[3];
  for (int i = 0; i < 3; i++) {
    snprintf(path[i], sizeof path[i], "%s/%s", dir, names[i]);
    before[i] = slurp(path[i], &len[i]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before[i]);
  }
  qs_table bad[3] = {{"summary", 1, cols, 1, &two, NULL}, {"extra", 1, cols, 1, &two, NULL},
                     {"no/such", 1, cols, 1, &two, NULL}};
  out.n_tables = 3;
  out.tables = bad;
  CU_ASSERT_NOT_EQUAL(qs_output_write(dir, &out, msg, sizeof msg), QS_OK);
  for (int i = 0; i < 3; i++) {
    long now_len = 0;
    char *now = slurp(path[i], &now_len);
    CU_ASSERT(now && now_len == len[i] && memcmp(now, before[i], (size_t)len[i]) == 0);
    free(now);
    free(before[i]);
    unlink(path[i]);
  }
  CU_ASSERT_EQUAL(hidden_entries(dir), 0);
  CU_ASSERT_EQUAL(rmdir(dir), 0); /* nothing else is in it */
  qs_model_destroy(&m);
  qs_runfile_release(&cfg);
  unlink("/tmp/qsync_output_set.ini");
}

/* In the claimed directory every write of the run is staged: nothing is
 * visible before qs_outdir_commit, and one failed write drops them all. */
static void test_staged_run_set(void)
{
  char msg[512] = "";
  char dir[] = "/tmp/qsync_staged_XXXXXX";
  CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
  char path[128];
  snprintf(path, sizeof path, "%s/a.tsv", dir);
  CU_ASSERT_EQUAL_FATAL(qs_outdir_claim(dir, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(qs_output_write_text(dir, "a.tsv", "1\n", msg, sizeof msg), QS_OK);
  CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0); /* staged, not yet in place */
  CU_ASSERT_EQUAL(qs_outdir_commit(msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(access(path, F_OK), 0);

  CU_ASSERT_EQUAL(qs_output_write_text(dir, "a.tsv", "2\n", msg, sizeof msg), QS_OK);
  CU_ASSERT_NOT_EQUAL(qs_output_write_text(dir, "b/c.tsv", "3\n", msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(qs_outdir_commit(msg, sizeof msg), QS_ERR_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "no result file was changed"));
  long len = 0;
  char *text = slurp(path, &len);
  CU_ASSERT(text && len == 2 && text[0] == '1');
  free(text);
  qs_outdir_release();
  CU_ASSERT_EQUAL(hidden_entries(dir), 0);
  unlink(path);
  CU_ASSERT_EQUAL(rmdir(dir), 0);
}

int qs_test_register_output(void)
{
  static const test_case cases[] = {
    {"run.h5 and summary.tsv read back", test_write_and_read_back},
    {"output directory: claim and lock", test_claim_and_lock},
    {"a failed set of files changes nothing", test_failed_set_changes_nothing},
    {"a claimed directory's files are one set", test_staged_run_set},
  };
  return test_add_suite("output", cases, (int)(sizeof cases / sizeof cases[0]));
}
