/* Run files: every bad-input case gives QS_ERR_RUNFILE with a message
 * naming the file, the section and the key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
    qs_runfile_key_info k;
    CU_ASSERT_EQUAL_FATAL(qs_runfile_key_get(i, &k), QS_OK);
    char text[256];
    snprintf(text, sizeof text, "[%s]\n%s = %s\n", k.section, k.key, k.default_text);
    expect_load(text, QS_OK, NULL, NULL);
  }
  qs_runfile_key_info k;
  CU_ASSERT_EQUAL(qs_runfile_key_get(-1, &k), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_runfile_key_get(qs_runfile_key_count(), &k), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_runfile_key_get(0, NULL), QS_ERR_INVALID);
}

/* Load and finish text into *cfg (heap: a qs_runconfig holds four sweep
 * axes); the path and the text are cleared so that two configurations
 * compare with memcmp. */
static qs_status load_comparable(const char *text, qs_runconfig *cfg)
{
  const char *path = temp_runfile(text);
  char msg[1024] = "";
  qs_status st = qs_runfile_load(path, cfg, msg, sizeof msg);
  if (st == QS_OK)
    st = qs_runfile_finish(cfg, msg, sizeof msg);
  if (st != QS_OK)
    fprintf(stderr, "\n  %s\n", msg);
  qs_runfile_release(cfg);
  memset(cfg->path, 0, sizeof cfg->path);
  unlink(path);
  return st;
}

/* The documented default of every key is what the loader stores when the
 * key is absent: a file setting the key to its documented default loads
 * to the same configuration, byte for byte, as a file without it. */
static void test_documented_defaults(void)
{
  qs_runconfig *absent = malloc(sizeof *absent), *given = malloc(sizeof *given);
  CU_ASSERT_PTR_NOT_NULL_FATAL(absent);
  CU_ASSERT_PTR_NOT_NULL_FATAL(given);
  CU_ASSERT_EQUAL_FATAL(load_comparable("[run]\n", absent), QS_OK);
  for (int i = 0; i < qs_runfile_key_count(); i++) {
    qs_runfile_key_info k;
    CU_ASSERT_EQUAL_FATAL(qs_runfile_key_get(i, &k), QS_OK);
    char text[256];
    snprintf(text, sizeof text, "[%s]\n%s = %s\n", k.section, k.key, k.default_text);
    CU_ASSERT_EQUAL(load_comparable(text, given), QS_OK);
    int same = memcmp(absent, given, sizeof *given) == 0;
    CU_ASSERT(same);
    if (!same)
      fprintf(stderr, "\n  [%s] %s: documented default '%s' is not the stored one\n",
              k.section, k.key, k.default_text);
  }
  free(absent);
  free(given);
}

/* Numbers in the reference: %g without exponent padding (by hand). */
static void test_format_number(void)
{
  const struct { double v; const char *text; } cases[] = {
    {1e-6, "1e-6"}, {1e6, "1e6"}, {0.5, "0.5"}, {1e-10, "1e-10"}, {100000, "100000"},
    {2.5e100, "2.5e100"}, {-1e-300, "-1e-300"}, {0, "0"}, {-20, "-20"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[32];
    qs_runfile_format_number(cases[i].v, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, cases[i].text);
  }
}

/* Each section maps onto the library's option struct: without keys the
 * library's defaults, with keys the keys' values. */
static void test_option_structs(void)
{
  qs_runconfig *cfg = malloc(sizeof *cfg);
  CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
  CU_ASSERT_EQUAL_FATAL(load_comparable("[run]\n", cfg), QS_OK);
  qs_traj_options t = qs_runfile_traj_options(cfg), td = qs_traj_default_options();
  CU_ASSERT(t.rtol == td.rtol && t.atol == td.atol && t.max_steps == td.max_steps &&
            t.restart_step == td.restart_step);
  qs_steady_options s = qs_runfile_steady_options(cfg), sd = qs_steady_default_options();
  CU_ASSERT(s.method == sd.method && s.tol == sd.tol && s.max_iter == sd.max_iter &&
            s.restart == sd.restart);
  qs_rates_options r = qs_runfile_rates_options(cfg), rd = qs_rates_default_options();
  CU_ASSERT(r.t_end == rd.t_end && r.n_times == rd.n_times && r.t_skip == rd.t_skip &&
            r.me.rtol == rd.me.rtol && r.me.atol == rd.me.atol);
  CU_ASSERT_EQUAL(qs_runfile_periodic_options(cfg).tol, qs_periodic_default_options().tol);
  qs_ensemble_options e = qs_runfile_ensemble_options(cfg), ed = qs_ensemble_default_options();
  CU_ASSERT(e.ntraj == ed.ntraj && e.seed == ed.seed && e.threads == ed.threads);
  /* [mesolve] max_order is the run file's own default (5: the fastest on a
   * 200-level lab-frame cavity), not CVODE's 12. */
  CU_ASSERT_EQUAL(qs_runfile_mesolve_options(cfg).max_order, 5);
  CU_ASSERT_EQUAL_FATAL(load_comparable("[run]\nntraj = 9\nseed = 8\nthreads = 3\n"
                                        "burn_in = 0.5\nstore_rho = no\n"
                                        "rtol = 1e-7\natol = 1e-9\nmax_steps = 7\n"
                                        "restart_step = 0.25\n[steady]\nmethod = krylov\n"
                                        "tol = 1e-9\nmax_iter = 11\nrestart = 12\n"
                                        "[mesolve]\nrtol = 1e-5\natol = 1e-6\nmax_order = 3\n"
                                        "periodic_tol = 1e-4\n[rates]\nt_end = 9\n"
                                        "n_times = 13\nt_skip = 1\n", cfg), QS_OK);
  e = qs_runfile_ensemble_options(cfg);
  CU_ASSERT(e.ntraj == 9 && e.seed == 8 && e.threads == 3 && e.burn_in == 0.5 &&
            e.store_rho == 0);
  t = qs_runfile_traj_options(cfg);
  CU_ASSERT(t.rtol == 1e-7 && t.atol == 1e-9 && t.max_steps == 7 && t.restart_step == 0.25);
  s = qs_runfile_steady_options(cfg);
  CU_ASSERT(s.method == QS_STEADY_KRYLOV && s.tol == 1e-9 && s.max_iter == 11 &&
            s.restart == 12);
  r = qs_runfile_rates_options(cfg);
  CU_ASSERT(r.t_end == 9 && r.n_times == 13 && r.t_skip == 1 && r.me.rtol == 1e-5 &&
            r.me.atol == 1e-6 && r.me.max_order == 3);
  CU_ASSERT_EQUAL(qs_runfile_periodic_options(cfg).tol, 1e-4);
  free(cfg);
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
  expect_load("[run\nntraj = 5\n", QS_ERR_RUNFILE, "line 1", "'[run'");
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

/* Issue 16, defect 1: a header [section:key] is refused with the line
 * (iniparser stored it as a key with a NULL value: SIGSEGV). */
static void test_section_key_headers(void)
{
  expect_load("[model]\n[model:g]\n", QS_ERR_RUNFILE, "line 2", "[model:g]");
  expect_load("[run]\nntraj = 3\n[run:seed]\n", QS_ERR_RUNFILE, "line 3", "[run:seed]");
  expect_load("[run:store_rho]\n", QS_ERR_RUNFILE, "line 1", "[run:store_rho]");
  expect_load("[sweep:key]\n", QS_ERR_RUNFILE, "line 1", "[sweep:key]");
  expect_load("[model]\nname = cavity_qubits\n[model:delta]\n", QS_ERR_RUNFILE, "line 3",
              "[model:delta]");
  expect_load("[model]\nname = transmon\n[model:column]\n", QS_ERR_RUNFILE, "line 3",
              "[model:column]");
  expect_load("[foo:bar]\n", QS_ERR_RUNFILE, "line 1", "[foo:bar]");
  expect_load("[]\n", QS_ERR_RUNFILE, "line 1", "not a section name");
  expect_load("[run]]\n", QS_ERR_RUNFILE, "line 1", "not a section name");
}

/* Defect 8: what an INI reader resolves silently (last one wins, empty
 * sections skipped) is refused, naming both lines. */
static void test_ambiguous_text_refused(void)
{
  expect_load("[run]\nntraj = 3\nseed = 1\nntraj = 4\n", QS_ERR_RUNFILE, "line 4",
              "first at line 2");
  expect_load("[run]\nNTRAJ = 3\nntraj = 4\n", QS_ERR_RUNFILE, "[run] ntraj", "line 2");
  expect_load("[run]\nntraj = 3\n[model]\ng = 1\n[run]\nseed = 2\n", QS_ERR_RUNFILE,
              "line 5", "first at line 1");
  expect_load("[run]\nntraj = 3\n[MODEL]\n[Run]\n", QS_ERR_RUNFILE, "line 4", "[run]");
  expect_load("[modle]\n", QS_ERR_RUNFILE, "line 1", "unknown section [modle]");
  /* The list of sections comes from the key table: the newest are named. */
  expect_load("[modle]\n", QS_ERR_RUNFILE, "spectrum", "jumps");
  expect_load("[run]\nntraj = 3\n[stedy]\n", QS_ERR_RUNFILE, "line 3", "[stedy]");
  expect_load("[run]\nntraj\n", QS_ERR_RUNFILE, "line 2", "not key = value");
  expect_load("[run]\n= 3\n", QS_ERR_RUNFILE, "line 2", "not key = value");
  expect_load("[compare]\nz_threshold = \"3\" 4\n", QS_ERR_RUNFILE, "line 2",
              "after the closing quote");
  expect_load("", QS_ERR_RUNFILE, "no [section]", NULL);
  expect_load("# only a comment\n\n", QS_ERR_RUNFILE, "no [section]", NULL);
}

/* Load text and return the config; the text must load. */
static void load_ok(const char *text, qs_runconfig *cfg)
{
  const char *path = temp_runfile(text);
  CU_ASSERT_PTR_NOT_NULL_FATAL(path);
  char msg[1024] = "";
  CU_ASSERT_EQUAL(qs_runfile_load(path, cfg, msg, sizeof msg), QS_OK);
  if (msg[0])
    fprintf(stderr, "\n  unexpected message: %s\n", msg);
  unlink(path);
}

/* Defect 8: a lone CR ends a line as LF and CRLF do: the three spellings
 * of one file load to the same values. */
static void test_line_ends(void)
{
  const char *spellings[3] = {
    "[model]\ng = 2.5\n# c\n[run]\nntraj = 7\n",
    "[model]\r\ng = 2.5\r\n# c\r\n[run]\r\nntraj = 7\r\n",
    "[model]\rg = 2.5\r# c\r[run]\rntraj = 7\r",
  };
  for (int i = 0; i < 3; i++) {
    qs_runconfig cfg;
    load_ok(spellings[i], &cfg);
    CU_ASSERT_DOUBLE_EQUAL(cfg.model_values[qs_model_param_index(cfg.model_type, "g")], 2.5, 0);
    CU_ASSERT_EQUAL(cfg.ntraj, 7);
    CU_ASSERT_STRING_EQUAL(cfg.text, spellings[i]); /* the text as given */
    qs_runfile_release(&cfg);
  }
  /* The line numbers count CR-only lines too. */
  expect_load("[run]\rntraj = 3\rntraj = 0\r", QS_ERR_RUNFILE, "line 3", "first at line 2");
}

/* Defects 3 and 6: the run file is read whole whatever its size: a key
 * after 100 KiB of comments counts. */
static void test_large_file(void)
{
  size_t comment_lines = 100 * 1024 / 32;
  char *text = malloc(comment_lines * 32 + 64);
  CU_ASSERT_PTR_NOT_NULL_FATAL(text);
  char *p = text;
  p += sprintf(p, "[run]\n");
  for (size_t i = 0; i < comment_lines; i++)
    p += sprintf(p, "# %-28s\n", "padding to read past 64 KiB");
  sprintf(p, "ntraj = 9\n");
  qs_runconfig cfg;
  load_ok(text, &cfg);
  CU_ASSERT_EQUAL(cfg.ntraj, 9);
  CU_ASSERT_EQUAL(strlen(cfg.text), strlen(text));
  qs_runfile_release(&cfg);
  free(text);
}

/* Defect 3: a pipe is read (not reopened after reading: it would be
 * empty), a directory and a NUL byte are refused. */
static void test_file_kinds(void)
{
  char fifo[64];
  snprintf(fifo, sizeof fifo, "/tmp/qsync_fifo_%d", (int)getpid());
  CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
  const char *text = "[run]\nntraj = 11\n";
  pid_t child = fork();
  CU_ASSERT_FATAL(child >= 0);
  if (child == 0) {
    FILE *f = fopen(fifo, "w");
    if (f)
      fputs(text, f);
    _exit(f && fclose(f) == 0 ? 0 : 1);
  }
  qs_runconfig cfg;
  char msg[512] = "";
  CU_ASSERT_EQUAL(qs_runfile_load(fifo, &cfg, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(cfg.ntraj, 11);
  CU_ASSERT_PTR_NOT_NULL(cfg.text);
  if (cfg.text)
    CU_ASSERT_STRING_EQUAL(cfg.text, text);
  qs_runfile_release(&cfg);
  int status = 1;
  waitpid(child, &status, 0);
  CU_ASSERT_EQUAL(status, 0);
  unlink(fifo);

  CU_ASSERT_NOT_EQUAL(qs_runfile_load("/tmp", &cfg, msg, sizeof msg), QS_OK);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "directory"));

  static const char with_nul[] = "[run]\nntraj = 3\0\n[run]\nntraj = 5\n";
  CU_ASSERT_EQUAL(qs_runfile_load_text("nul.ini", with_nul, sizeof with_nul - 1, &cfg, msg,
                                       sizeof msg), QS_ERR_RUNFILE);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "NUL"));
  const char *ok = "[run]\nntraj = 4\n";
  CU_ASSERT_EQUAL(qs_runfile_load_text("mem.ini", ok, strlen(ok), &cfg, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(cfg.ntraj, 4);
  CU_ASSERT_STRING_EQUAL(cfg.path, "mem.ini");
  qs_runfile_release(&cfg);
}

/* Defect 6: a t_end whose output spacing CVODE cannot start from
 * (t_end / (n_times - 1) squared underflows) is refused at load. */
static void test_t_end_floor(void)
{
  expect_load("[mesolve]\nt_end = 1e-200\n", QS_ERR_RUNFILE, "[mesolve] t_end", "1e-100");
  expect_load("[run]\nt_end = 1e-300\n", QS_ERR_RUNFILE, "[run] t_end", "1e-100");
  expect_load("[rates]\nt_end = 1e-101\n", QS_ERR_RUNFILE, "[rates] t_end", "1e-100");
  expect_load("[mesolve]\nt_end = 1e-100\n", QS_OK, NULL, NULL);
}

int qs_test_register_runfile(void)
{
  static const test_case cases[] = {
    {"valid file, defaults, overrides", test_valid_file},
    {"bad inputs name file, section, key and expectation", test_bad_inputs},
    {"sweeps: keep_sum, value lists, errors naming the key", test_sweeps},
    {"documented default = stored default, every key", test_documented_defaults},
    {"reference numbers", test_format_number},
    {"sections as the library's option structs", test_option_structs},
    {"[section:key] headers refused with the line", test_section_key_headers},
    {"duplicates, unknown empty sections, bad lines refused", test_ambiguous_text_refused},
    {"LF, CRLF and CR line ends read alike", test_line_ends},
    {"a run file over 64 KiB is read whole", test_large_file},
    {"pipes read, directories and NUL refused", test_file_kinds},
    {"t_end below CVODE's floor refused at load", test_t_end_floor},
  };
  return test_add_suite("runfile", cases, (int)(sizeof cases / sizeof cases[0]));
}
