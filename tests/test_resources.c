/* Resource estimates: the documented formulas of resources.h counted by
 * hand on small models, differences that isolate one term, and the
 * refusal messages. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

/* Load run-file text (plus --set style overrides) into *cfg. */
static int load(const char *text, const char *const *sets, qs_runconfig *cfg)
{
  char path[64];
  snprintf(path, sizeof path, "/tmp/qsync_resources_XXXXXX");
  int fd = mkstemp(path);
  if (fd < 0)
    return -1;
  FILE *f = fdopen(fd, "w");
  fputs(text, f);
  fclose(f);
  char msg[1024];
  qs_status st = qs_runfile_load(path, cfg, msg, sizeof msg);
  for (int i = 0; sets && sets[i] && st == QS_OK; i++)
    st = qs_runfile_override(cfg, sets[i], msg, sizeof msg);
  if (st == QS_OK)
    st = qs_runfile_finish(cfg, msg, sizeof msg);
  unlink(path);
  if (st != QS_OK)
    fprintf(stderr, "\n  load: %s\n", msg);
  return st == QS_OK ? 0 : -1;
}

static qs_resource_estimate estimate(const char *text, const char *const *sets, qs_task task)
{
  qs_runconfig cfg;
  qs_resource_estimate e;
  memset(&e, 0, sizeof e);
  if (load(text, sets, &cfg) != 0) {
    CU_FAIL("run file");
    return e;
  }
  char msg[512];
  CU_ASSERT_EQUAL(qs_resources_estimate(&cfg, task, &e, msg, sizeof msg), QS_OK);
  qs_runfile_release(&cfg);
  return e;
}

static const char *const qubits = "[model]\nname = qubit_osc\n";

static void test_resources_task_names(void)
{
  CU_ASSERT_EQUAL(qs_task_parse("run"), QS_TASK_RUN);
  CU_ASSERT_EQUAL(qs_task_parse("steady"), QS_TASK_STEADY);
  CU_ASSERT_EQUAL(qs_task_parse("compare-model"), QS_TASK_COMPARE_MODEL);
  CU_ASSERT_EQUAL(qs_task_parse("help"), -1);
  CU_ASSERT_EQUAL(qs_task_parse(NULL), -1);
}

/* Dense method on dimension d: the N^2 x N^2 complex matrix alone is
 * 16 d^4 bytes; the Liouvillian's nonzeros (at most d^4, 72 bytes each)
 * come on top.  spin = 1/2: d = 4, 16 * 256 = 4096 bytes. */
static void test_resources_dense_steady(void)
{
  const char *sets[] = {"steady.method=dense", NULL};
  qs_resource_estimate e = estimate(qubits, sets, QS_TASK_STEADY);
  CU_ASSERT_EQUAL(e.dim, 4);
  CU_ASSERT_EQUAL(e.steady_method, QS_STEADY_DENSE);
  CU_ASSERT(e.solver_bytes > 4096.0);
  CU_ASSERT(e.solver_bytes <= 4096.0 + 72.0 * 256.0);
  /* spin = 1: d = 9, 16 * 9^4 = 104976 */
  const char *sets1[] = {"steady.method=dense", "model.spin=1", NULL};
  e = estimate(qubits, sets1, QS_TASK_STEADY);
  CU_ASSERT_EQUAL(e.dim, 9);
  CU_ASSERT(e.solver_bytes > 104976.0 && e.solver_bytes <= 104976.0 + 72.0 * 6561.0);
  CU_ASSERT_DOUBLE_EQUAL(e.total_bytes,
                         e.state_bytes + e.stored_bytes + e.solver_bytes + e.table_bytes, 1e-6);
}

/* Krylov: (restart + 7) d^2 16 bytes plus the zgees workspace 16 * 70 d
 * (steady_sylvester.c); d = 4, restart 10: 17 * 256 + 4480 = 8832. */
static void test_resources_krylov_steady(void)
{
  const char *sets[] = {"steady.method=krylov", "steady.restart=10", NULL};
  qs_resource_estimate e = estimate(qubits, sets, QS_TASK_STEADY);
  CU_ASSERT_DOUBLE_EQUAL(e.solver_bytes, 8832.0, 1e-9);
  /* the three copies of the steady state, 3 * 16 d^2 = 768, are stored */
  CU_ASSERT(e.stored_bytes >= 768.0);
}

/* Trajectory state vectors: each extra worker adds 25 CVODE vectors of d
 * complex numbers and its own H_eff (24 bytes per nonzero). */
static void test_resources_trajectory_states(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  qs_op *heff = NULL;
  CU_ASSERT_EQUAL_FATAL(qs_model_effective_hamiltonian(m, &heff), QS_OK);
  double d = (double)m->space.total, per_worker = 25.0 * 16.0 * d + 24.0 * (double)heff->nnz;
  for (int k = 0; k < m->n_c; k++)
    per_worker += 48.0 * (double)m->c[k]->nnz; /* both halves of c rho c^dag count */
  qs_op_destroy(&heff);
  qs_model_destroy(&m);
  const char *one[] = {"run.threads=1", NULL}, *three[] = {"run.threads=3", NULL};
  qs_resource_estimate e1 = estimate(qubits, one, QS_TASK_RUN);
  qs_resource_estimate e3 = estimate(qubits, three, QS_TASK_RUN);
  CU_ASSERT_DOUBLE_EQUAL(e3.state_bytes - e1.state_bytes, 2.0 * per_worker, 1e-6);
}

/* store_rho: the 64 trajectory slots, the block and the total each keep
 * n_times + 1 matrices of 16 d^2 bytes, the total also 64 group averages:
 * d = 4, n_times = 11: 16 * 16 * (66 * 12 + 64) = 219136 bytes. */
static void test_resources_rho_storage(void)
{
  const char *on[] = {"run.store_rho=true", "run.rho_stderr=false", "run.n_times=11", NULL};
  const char *off[] = {"run.store_rho=false", "run.n_times=11", NULL};
  qs_resource_estimate with = estimate(qubits, on, QS_TASK_RUN);
  qs_resource_estimate without = estimate(qubits, off, QS_TASK_RUN);
  CU_ASSERT_DOUBLE_EQUAL(with.stored_bytes - without.stored_bytes, 219136.0, 1e-6);
  /* rho_stderr adds to each of the 66 sets 16 d^2 bytes (Re^2 and Im^2
   * sums, or one complex number) for each of the 11 output times, the
   * steady rho's squares and the running time average: 13 matrices,
   * 16 * 16 * 66 * 13 = 219648 bytes. */
  const char *err[] = {"run.store_rho=true", "run.rho_stderr=true", "run.n_times=11", NULL};
  CU_ASSERT_DOUBLE_EQUAL(estimate(qubits, err, QS_TASK_RUN).stored_bytes - with.stored_bytes,
                         219648.0, 1e-6);
  /* above QS_ENSEMBLE_MAX_RHO_DIM no rho is stored (the CLI's rule) */
  const char *big_on[] = {"run.store_rho=true", "model.ncav=300", "model.nqubits=0", NULL};
  const char *big_off[] = {"run.store_rho=false", "model.ncav=300", "model.nqubits=0", NULL};
  const char *cav = "[model]\nname = cavity_qubits\n";
  CU_ASSERT_DOUBLE_EQUAL(estimate(cav, big_on, QS_TASK_RUN).stored_bytes,
                         estimate(cav, big_off, QS_TASK_RUN).stored_bytes, 1e-6);
}

/* Master equation: each point integrated at the same time holds 25 CVODE
 * vectors of 16 d^2 bytes: 4 points on 2 threads against 1 thread differ
 * by one worker, d = 4: 25 * 256 = 6400 bytes. */
static void test_resources_mesolve_states(void)
{
  const char *one[] = {"run.threads=1", "sweep.key=model.g", "sweep.points=4", NULL};
  const char *two[] = {"run.threads=2", "sweep.key=model.g", "sweep.points=4", NULL};
  qs_resource_estimate e1 = estimate(qubits, one, QS_TASK_MESOLVE);
  qs_resource_estimate e2 = estimate(qubits, two, QS_TASK_MESOLVE);
  CU_ASSERT_EQUAL(e1.points, 4);
  CU_ASSERT_DOUBLE_EQUAL(e2.state_bytes - e1.state_bytes, 6400.0, 1e-6);
  CU_ASSERT_DOUBLE_EQUAL(e1.integrations, 4.0, 0.0);
}

/* Steps grow by STEPS_PER_RADIAN * rate per time unit; seconds are
 * linear in the number of trajectories. */
static void test_resources_work_model(void)
{
  const char *a[] = {"run.t_end=10", "run.burn_in=0", NULL};
  const char *b[] = {"run.t_end=30", "run.burn_in=0", NULL};
  qs_resource_estimate ea = estimate(qubits, a, QS_TASK_RUN);
  qs_resource_estimate eb = estimate(qubits, b, QS_TASK_RUN);
  CU_ASSERT(ea.rate > 0.0);
  CU_ASSERT_DOUBLE_EQUAL(eb.steps - ea.steps, QS_RESOURCES_STEPS_PER_RADIAN * ea.rate * 20.0,
                         1e-9 * eb.steps);
  const char *n1[] = {"run.ntraj=100", NULL}, *n4[] = {"run.ntraj=400", NULL};
  qs_resource_estimate e1 = estimate(qubits, n1, QS_TASK_RUN);
  qs_resource_estimate e4 = estimate(qubits, n4, QS_TASK_RUN);
  CU_ASSERT_DOUBLE_EQUAL(e4.integrations, 400.0, 0.0);
  CU_ASSERT_DOUBLE_EQUAL(e4.seconds, 4.0 * e1.seconds, 1e-12 * e4.seconds);
  /* the rate of a model with only dissipation: H_eff = -(i/2) sum c^dag c
   * is diagonal; qubit_osc with g = eps = delta = 0, spin 1/2: state
   * |up, up> loses gamma_A + gamma_B (+ gamma_phi terms: 2 gamma_phi Sz^2
   * = gamma_phi / 2 per spin), so with gamma_phi = 0 the largest diagonal
   * is max over the four states of (rate out of A + rate out of B) / 2. */
  const char *diss[] = {"model.g=0",       "model.eps=0",     "model.delta_d=0",
                        "model.delta_q=0", "model.gamma_phi=0", "model.w_A=0.25",
                        "model.gamma_A=0.75", "model.w_B=0.25", "model.gamma_B=0.75", NULL};
  qs_resource_estimate ed = estimate(qubits, diss, QS_TASK_RUN);
  CU_ASSERT_DOUBLE_EQUAL(ed.rate, (0.75 + 0.75) / 2.0, 1e-12);
}

static void test_resources_refusals(void)
{
  qs_runconfig cfg;
  const char *huge[] = {"model.ncav=2000", "model.nqubits=5", NULL};
  CU_ASSERT_EQUAL_FATAL(load("[model]\nname = cavity_qubits\n", huge, &cfg), 0);
  qs_resource_estimate e;
  char msg[1024] = "";
  CU_ASSERT_EQUAL(qs_resources_estimate(&cfg, QS_TASK_STEADY, &e, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(e.dim, 64000);
  qs_resource_limits lim = {.max_bytes = 64.0 * 1073741824.0, .max_seconds = 0.0};
  CU_ASSERT_EQUAL(qs_resources_check(&cfg, &e, &lim, msg, sizeof msg), QS_ERR_TOO_LARGE);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "ncav = 2000"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "nqubits = 5"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "64000"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "[steady] method"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "--max-memory"));
  /* exactly at the limit fits, one byte below does not */
  lim.max_bytes = e.total_bytes;
  CU_ASSERT_EQUAL(qs_resources_check(&cfg, &e, &lim, msg, sizeof msg), QS_OK);
  lim.max_bytes = e.total_bytes * (1.0 - 1e-12);
  CU_ASSERT_EQUAL(qs_resources_check(&cfg, &e, &lim, msg, sizeof msg), QS_ERR_TOO_LARGE);
  qs_runfile_release(&cfg);

  const char *forever[] = {"run.t_end=1e12", NULL};
  CU_ASSERT_EQUAL_FATAL(load(qubits, forever, &cfg), 0);
  CU_ASSERT_EQUAL(qs_resources_estimate(&cfg, QS_TASK_RUN, &e, msg, sizeof msg), QS_OK);
  lim = (qs_resource_limits){.max_bytes = INFINITY, .max_seconds = cfg.max_wall};
  CU_ASSERT_DOUBLE_EQUAL(cfg.max_wall, QS_RESOURCES_DEFAULT_MAX_WALL, 0.0);
  CU_ASSERT_EQUAL(qs_resources_check(&cfg, &e, &lim, msg, sizeof msg), QS_ERR_TOO_LARGE);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "t_end = 1e12"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "max_wall"));
  lim.max_seconds = 0.0; /* no limit */
  CU_ASSERT_EQUAL(qs_resources_check(&cfg, &e, &lim, msg, sizeof msg), QS_OK);
  qs_runfile_release(&cfg);

  CU_ASSERT_EQUAL(qs_resources_estimate(NULL, QS_TASK_RUN, &e, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_resources_check(NULL, &e, &lim, msg, sizeof msg), QS_ERR_INVALID);
}

static void test_resources_sizes(void)
{
  double b = -1.0;
  CU_ASSERT_EQUAL(qs_resources_parse_size("8G", &b), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(b, 8.0 * 1073741824.0, 0.0);
  CU_ASSERT_EQUAL(qs_resources_parse_size("500M", &b), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(b, 500.0 * 1048576.0, 0.0);
  CU_ASSERT_EQUAL(qs_resources_parse_size("1.5k", &b), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(b, 1536.0, 0.0);
  CU_ASSERT_EQUAL(qs_resources_parse_size("64KiB", &b), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(b, 65536.0, 0.0);
  CU_ASSERT_EQUAL(qs_resources_parse_size("2GB", &b), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(b, 2.0 * 1073741824.0, 0.0);
  CU_ASSERT_EQUAL(qs_resources_parse_size("1T", &b), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(b, 1099511627776.0, 0.0);
  CU_ASSERT_EQUAL(qs_resources_parse_size("123", &b), QS_OK);
  CU_ASSERT_DOUBLE_EQUAL(b, 123.0, 0.0);
  const char *bad[] = {"", "G", "0", "-1", "8X", "8GG", "nan", "inf", "1e400", "8 G", NULL};
  for (int i = 0; bad[i]; i++) {
    b = -1.0;
    CU_ASSERT_EQUAL(qs_resources_parse_size(bad[i], &b), QS_ERR_INVALID);
    CU_ASSERT_EQUAL(b, -1.0);
  }
  char out[32];
  qs_resources_format_bytes(1536.0, out, sizeof out);
  CU_ASSERT_STRING_EQUAL(out, "1.5 KiB");
  qs_resources_format_bytes(17.0, out, sizeof out);
  CU_ASSERT_STRING_EQUAL(out, "17 B");
  qs_resources_format_bytes(3.0 * 1073741824.0, out, sizeof out);
  CU_ASSERT_STRING_EQUAL(out, "3.0 GiB");
}

int qs_test_register_resources(void)
{
  static const test_case cases[] = {
      {"task names", test_resources_task_names},
      {"dense steady state: 16 d^4", test_resources_dense_steady},
      {"krylov steady state: (restart + 7) d^2 16", test_resources_krylov_steady},
      {"trajectory states per worker", test_resources_trajectory_states},
      {"rho(t) storage", test_resources_rho_storage},
      {"master-equation states per worker", test_resources_mesolve_states},
      {"work model", test_resources_work_model},
      {"refusals name the keys", test_resources_refusals},
      {"sizes", test_resources_sizes},
  };
  return test_add_suite("resources", cases, (int)(sizeof cases / sizeof *cases));
}
