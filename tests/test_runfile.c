/* Run files: every bad-input case gives QS_ERR_RUNFILE with a message
 * naming the file, the section and the key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

/* Write text to a fresh temporary file; returns its path (static buffer). */
static const char *temp_runfile(const char *text)
{
  static char path[64];
  snprintf(path, sizeof path, "/tmp/qsync_test_XXXXXX");
  int fd = mkstemp(path);
  if (fd < 0)
    return NULL;
  FILE *f = fdopen(fd, "w");
  fputs(text, f);
  fclose(f);
  return path;
}

/* Load text; expect `status`; the message must contain every needle. */
static void expect_load(const char *text, qs_status status, const char *n1, const char *n2)
{
  const char *path = temp_runfile(text);
  CU_ASSERT_PTR_NOT_NULL_FATAL(path);
  qs_runconfig cfg;
  char msg[1024] = "";
  qs_status st = qs_runfile_load(path, &cfg, msg, sizeof msg);
  CU_ASSERT_EQUAL(st, status);
  if (status != QS_OK) {
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, path));
    if (n1)
      CU_ASSERT_PTR_NOT_NULL(strstr(msg, n1));
    if (n2)
      CU_ASSERT_PTR_NOT_NULL(strstr(msg, n2));
    if (st != status || (n1 && !strstr(msg, n1)) || (n2 && !strstr(msg, n2)))
      fprintf(stderr, "\n  unexpected message: %s\n", msg);
  }
  qs_runfile_release(&cfg);
  unlink(path);
}

static void test_valid_file(void)
{
  const char *path = temp_runfile("# comment\n[model]\nname = qubit_osc\nW_A = 0.3\n"
                                  "g = 2.5\n[run]\nntraj = 17\nseed = 18446744073709551615\n"
                                  "store_rho = no\n[steady]\nmethod = sparse_lu\n"
                                  "[compare]\nz_threshold = 3.5\n");
  qs_runconfig cfg;
  char msg[512] = "";
  CU_ASSERT_EQUAL_FATAL(qs_runfile_load(path, &cfg, msg, sizeof msg), QS_OK);
  const qs_model_type *t = cfg.model_type;
  CU_ASSERT_STRING_EQUAL(t->name, "qubit_osc");
  CU_ASSERT_DOUBLE_EQUAL(cfg.model_values[qs_model_param_index(t, "w_A")], 0.3, 0);
  CU_ASSERT_DOUBLE_EQUAL(cfg.model_values[qs_model_param_index(t, "g")], 2.5, 0);
  CU_ASSERT_DOUBLE_EQUAL(cfg.model_values[qs_model_param_index(t, "gamma_A")], 0.6, 0);
  CU_ASSERT_EQUAL(cfg.ntraj, 17);
  CU_ASSERT_EQUAL(cfg.seed, UINT64_MAX);
  CU_ASSERT_EQUAL(cfg.store_rho, 0);
  CU_ASSERT_EQUAL(cfg.steady_method, QS_STEADY_SPARSE_LU);
  CU_ASSERT_DOUBLE_EQUAL(cfg.z_threshold, 3.5, 0);
  CU_ASSERT_EQUAL(cfg.n_times, 201); /* default */
  CU_ASSERT_PTR_NOT_NULL(strstr(cfg.text, "g = 2.5"));
  /* Overrides use the same checks. */
  CU_ASSERT_EQUAL(qs_runfile_override(&cfg, "model.g=0.25", msg, sizeof msg), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(cfg.model_values[qs_model_param_index(t, "g")], 0.25, 0);
  CU_ASSERT_EQUAL(qs_runfile_override(&cfg, "run.ntraj=0", msg, sizeof msg), QS_ERR_RUNFILE);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "ntraj"));
  CU_ASSERT_EQUAL(qs_runfile_override(&cfg, "ntraj=5", msg, sizeof msg), QS_ERR_RUNFILE);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "section.key=value"));
  CU_ASSERT_EQUAL(qs_runfile_override(&cfg, "run.bogus=5", msg, sizeof msg), QS_ERR_RUNFILE);
  CU_ASSERT_EQUAL(qs_runfile_override(&cfg, "run.t_end=5", msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(qs_runfile_finish(&cfg, msg, sizeof msg), QS_ERR_RUNFILE);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "burn_in"));
  qs_runfile_release(&cfg);
  unlink(path);
  /* Every key documented in the table is accepted with its default. */
  for (int i = 0; i < qs_runfile_key_count(); i++) {
    const qs_runfile_key_info *k = qs_runfile_key_get(i);
    char text[256];
    snprintf(text, sizeof text, "[%s]\n%s = %s\n", k->section, k->key, k->default_text);
    expect_load(text, QS_OK, NULL, NULL);
  }
}

static void test_bad_inputs(void)
{
  expect_load("[model]\nw_A = 0.4\nfoo = 1\n", QS_ERR_RUNFILE, "[model]", "foo");
  expect_load("[modle]\nw_A = 0.4\n", QS_ERR_RUNFILE, "[modle]", "unknown section");
  expect_load("[run]\nntraj = many\n", QS_ERR_RUNFILE, "[run] ntraj", "many");
  expect_load("[run]\nntraj = 0\n", QS_ERR_RUNFILE, "[run] ntraj", "1 .. 1e9");
  expect_load("[run]\nntraj = 2.5\n", QS_ERR_RUNFILE, "ntraj", "integer");
  expect_load("[model]\ngamma_A = -0.1\n", QS_ERR_RUNFILE, "[model] gamma_A", "[0,");
  expect_load("[model]\ng = 1x\n", QS_ERR_RUNFILE, "[model] g", "1x");
  expect_load("[model]\nname = cavity\n", QS_ERR_RUNFILE, "[model] name", "cavity");
  expect_load("[run]\nrtol = 0\n", QS_ERR_RUNFILE, "rtol", NULL);
  expect_load("[run]\nseed = -3\n", QS_ERR_RUNFILE, "seed", NULL);
  expect_load("[run]\nstore_rho = maybe\n", QS_ERR_RUNFILE, "store_rho", "true/false");
  expect_load("[steady]\nmethod = magic\n", QS_ERR_RUNFILE, "method", "sparse_lu");
  expect_load("[compare]\nz_threshold = -1\n", QS_ERR_RUNFILE, "z_threshold", NULL);
  expect_load("ntraj = 5\n[run]\n", QS_ERR_RUNFILE, "line 1", "outside any section");
  expect_load("[run\nntraj = 5\n", QS_ERR_RUNFILE, "not a valid INI file", NULL);
  qs_runconfig cfg;
  char msg[512];
  CU_ASSERT_EQUAL(qs_runfile_load("/nonexistent/x.ini", &cfg, msg, sizeof msg), QS_ERR_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "/nonexistent/x.ini"));
}

/* Load and finish (sweep axes are resolved by qs_runfile_finish). */
static qs_status load_finished(const char *text, qs_runconfig *cfg, char *msg, size_t len,
                               char *path_out)
{
  const char *path = temp_runfile(text);
  snprintf(path_out, 64, "%s", path);
  qs_status st = qs_runfile_load(path, cfg, msg, len);
  if (st == QS_OK)
    st = qs_runfile_finish(cfg, msg, len);
  unlink(path);
  return st;
}

/* Sweeps: keep_sum keeps w_A + gamma_A at its run-file value (Gamma = 1
 * in the paper's maps); explicit value lists; errors name the key. */
static void test_sweeps(void)
{
  qs_runconfig cfg;
  char msg[1024] = "", path[64];
  CU_ASSERT_EQUAL_FATAL(load_finished("[sweep]\nkey = model.w_A\nfrom = 0.1\nto = 0.9\n"
                                      "points = 5\nkeep_sum = model.gamma_A\n"
                                      "key2 = model.g\nvalues2 = 0.5, 1,2\n",
                                      &cfg, msg, sizeof msg, path), QS_OK);
  const qs_model_type *t = cfg.model_type;
  int wa = qs_model_param_index(t, "w_A"), ga = qs_model_param_index(t, "gamma_A");
  CU_ASSERT_EQUAL(qs_sweep_count(&cfg.sweep[0]), 5);
  CU_ASSERT_EQUAL(qs_sweep_count(&cfg.sweep[1]), 3);
  CU_ASSERT_DOUBLE_EQUAL(qs_sweep_value(&cfg.sweep[1], 2), 2.0, 0);
  for (long i = 0; i < 5; i++) {
    double v[QS_MODEL_MAX_PARAMS], x = qs_sweep_value(&cfg.sweep[0], i);
    CU_ASSERT_DOUBLE_EQUAL(x, 0.1 + 0.2 * (double)i, 1e-15);
    qs_sweep_apply(&cfg.sweep[0], cfg.model_values, t->n_params, x, v);
    CU_ASSERT_DOUBLE_EQUAL(v[wa], x, 0);
    CU_ASSERT_DOUBLE_EQUAL(v[wa] + v[ga], 1.0, 1e-15); /* defaults 0.4 + 0.6 */
  }
  qs_runfile_release(&cfg);
  const struct { const char *text, *needle1, *needle2; } bad[] = {
    {"[sweep]\nkey = model.bogus\n", "model.bogus", "qubit_osc"},
    {"[sweep]\nkey = model.w_A\nto = 1.5\nkeep_sum = model.gamma_A\n", "gamma_A", "keep_sum"},
    {"[sweep]\nkey = model.g\nkeep_sum = model.g\n", "keep_sum", "another parameter"},
    {"[sweep]\nkey2 = model.g\n", "key2", "first"},
    {"[sweep]\nkey = model.gamma_A\nfrom = -1\n", "gamma_A", "range"},
    {"[scan]\nrestore_key = model.nothing\n", "[scan]", "model.nothing"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CU_ASSERT_EQUAL(load_finished(bad[i].text, &cfg, msg, sizeof msg, path), QS_ERR_RUNFILE);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, path));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, bad[i].needle1));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, bad[i].needle2));
    if (!strstr(msg, bad[i].needle1) || !strstr(msg, bad[i].needle2))
      fprintf(stderr, "\n  unexpected message: %s\n", msg);
    qs_runfile_release(&cfg);
  }
  expect_load("[sweep]\nkey = w_A\n", QS_ERR_RUNFILE, "[sweep] key", "model.<parameter>");
  expect_load("[sweep]\nvalues = 1, x\n", QS_ERR_RUNFILE, "[sweep] values", "v1, v2");
  expect_load("[scan]\nmethod = fast\n", QS_ERR_RUNFILE, "[scan] method", "first_order");
  expect_load("[scan]\npoints = 2\n", QS_ERR_RUNFILE, "[scan] points", "3 .. 4096");
}

int qs_test_register_runfile(void)
{
  static const test_case cases[] = {
    {"valid file, defaults, overrides", test_valid_file},
    {"bad inputs name file, section, key and expectation", test_bad_inputs},
    {"sweeps: keep_sum, value lists, errors naming the key", test_sweeps},
  };
  return test_add_suite("runfile", cases, (int)(sizeof cases / sizeof cases[0]));
}
