/* A model type added outside the library, as a user would: a driven,
 * decaying two-level system, registered at run time (the suite's init)
 * and checked against the closed forms of the optical Bloch equations.
 *
 *   H = (Delta sz + Omega sx) / 2,   c = sqrt(gamma) s-,   basis 0 = up,
 * observables sx, sy, sz (Pauli).  With s = (<sx>, <sy>, <sz>):
 *   ds/dt = h x s - (gamma/2) (sx, sy, 0) - gamma (0, 0, sz + 1),
 *   h = (Omega, 0, Delta),
 * whose fixed point is, with D = gamma^2 + 4 Delta^2 + 2 Omega^2,
 *   sx = -4 Delta Omega / D,  sy = 2 gamma Omega / D,
 *   sz = -(gamma^2 + 4 Delta^2) / D,
 * and without drive (Omega = 0), from |up>:  sz(t) = 2 exp(-gamma t) - 1. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

enum { TLS_DETUNING, TLS_RABI, TLS_DECAY, TLS_N };

static const qs_param_spec tls_params[TLS_N] = {
  [TLS_DETUNING] = {"detuning", "1", 0.0, -1e3, 1e3, "Delta in H = (Delta sz + Omega sx)/2",
                    NULL},
  [TLS_RABI] = {"rabi", "1", 1.0, 0.0, 1e3, "Rabi frequency Omega", NULL},
  [TLS_DECAY] = {"decay", "1", 1.0, 0.0, 1e3, "decay rate gamma (collapse sqrt(gamma) s-)",
                 NULL},
};

enum { OBS_SX, OBS_SY, OBS_SZ, N_OBS };

/* A 2x2 operator from its entries (row-major a, b; c, d). */
static qs_status op2(double complex a, double complex b, double complex c, double complex d,
                     qs_op **out)
{
  const qs_index row[4] = {0, 0, 1, 1}, col[4] = {0, 1, 0, 1};
  const double complex val[4] = {a, b, c, d};
  return qs_op_from_triplets(2, 4, row, col, val, out);
}

static qs_status tls_build(const double *p, qs_model *m, char *msg, size_t msglen)
{
  (void)msg;
  (void)msglen;
  const qs_index dims[1] = {2};
  qs_status st = qs_space_init(&m->space, 1, dims);
  if (st != QS_OK)
    return st;
  m->space.role[0] = QS_ROLE_SPIN;
  m->c = calloc(1, sizeof *m->c);
  m->c_names = calloc(1, sizeof *m->c_names);
  m->obs = calloc(N_OBS, sizeof *m->obs);
  m->obs_names = calloc(N_OBS, sizeof *m->obs_names);
  m->psi0 = calloc(2, sizeof *m->psi0);
  if (!m->c || !m->c_names || !m->obs || !m->obs_names || !m->psi0)
    return QS_ERR_NOMEM;
  m->psi0[0] = 1.0;
  const double delta = p[TLS_DETUNING], omega = p[TLS_RABI];
  st = op2(delta / 2, omega / 2, omega / 2, -delta / 2, &m->H);
  if (st == QS_OK && p[TLS_DECAY] > 0.0) {
    st = op2(0, 0, sqrt(p[TLS_DECAY]), 0, &m->c[0]);
    strcpy(m->c_names[0], "decay");
    m->n_c = 1;
  }
  const char *names[N_OBS] = {"sx", "sy", "sz"};
  const double complex e[N_OBS][4] = {{0, 1, 1, 0}, {0, -I, I, 0}, {1, 0, 0, -1}};
  for (int k = 0; k < N_OBS && st == QS_OK; k++) {
    st = op2(e[k][0], e[k][1], e[k][2], e[k][3], &m->obs[k]);
    strcpy(m->obs_names[k], names[k]);
    m->n_obs = k + 1;
  }
  return st;
}

static const qs_model_type tls_type = {
  .name = "example_two_level",
  .summary = "driven decaying two-level system (a model added in the tests)",
  .n_params = TLS_N,
  .params = tls_params,
  .drive_param = "rabi",
  .build = tls_build,
};

static qs_model *tls_model(double delta, double omega, double gamma)
{
  const char *keys[] = {"detuning", "rabi", "decay", NULL};
  const double values[] = {delta, omega, gamma};
  return test_model("EXAMPLE_two_level", keys, values);
}

static void test_registered_and_generic(void)
{
  CU_ASSERT_PTR_EQUAL(qs_model_type_find("Example_Two_Level"), &tls_type);
  qs_model *m = tls_model(0.3, 1.0, 1.0);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(qs_model_count_role(m, QS_ROLE_SPIN), 1);
  CU_ASSERT_EQUAL(qs_model_truncation(m, NULL, NULL), -1);
  CU_ASSERT_EQUAL(qs_model_drive_period(m), 0.0);
  CU_ASSERT_EQUAL(qs_model_photon_levels(m), 0);
  qs_model_destroy(&m);
}

static double expectation(const qs_op *op, const double complex *rho)
{
  double complex d[4];
  qs_op_to_dense(op, d);
  double complex tr = 0;
  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 2; k++)
      tr += d[i + 2 * k] * rho[k + 2 * i];
  return creal(tr);
}

static void test_bloch_steady_state(void)
{
  const double delta = 0.7, omega = 1.3, gamma = 0.9;
  qs_model *m = tls_model(delta, omega, gamma);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double complex rho[4];
  CU_ASSERT_EQUAL_FATAL(qs_steady_state(m, QS_STEADY_DENSE, rho, NULL), QS_OK);
  const double D = gamma * gamma + 4 * delta * delta + 2 * omega * omega;
  const double want[N_OBS] = {-4 * delta * omega / D, 2 * gamma * omega / D,
                              -(gamma * gamma + 4 * delta * delta) / D};
  /* A 4x4 dense solve: only rounding separates it from the closed form. */
  for (int k = 0; k < N_OBS; k++)
    CU_ASSERT_DOUBLE_EQUAL(expectation(m->obs[k], rho), want[k], 1e-12);
  qs_model_destroy(&m);
}

static void test_decay_ensemble(void)
{
  const double gamma = 0.8;
  qs_model *m = tls_model(0.5, 0.0, gamma);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  const double times[] = {0.0, 0.5, 1.0, 2.0};
  qs_ensemble_options o = qs_ensemble_default_options();
  o.ntraj = 4000;
  o.n_times = 4;
  o.times = times;
  qs_ensemble_result *r = NULL;
  char msg[256] = "";
  CU_ASSERT_EQUAL_FATAL(qs_ensemble_run(m, NULL, &o, &r, msg, sizeof msg), QS_OK);
  for (int t = 1; t < 4; t++) {
    const int i = t * N_OBS + OBS_SZ;
    const double mean = creal(qs_mean_of(r->obs_sum[i], r->ntraj));
    const double se = creal(qs_stderr_of(r->obs_sum[i], r->obs_sq_re[i], r->obs_sq_im[i],
                                         r->ntraj));
    /* Each trajectory is up or down: a binomial mean, error bar se > 0. */
    CU_ASSERT(se > 0.0);
    CU_ASSERT(fabs(mean - (2.0 * exp(-gamma * times[t]) - 1.0)) < 4.0 * se);
    /* No coherence is ever created (H and c keep |up>, |down> apart). */
    CU_ASSERT_EQUAL(creal(r->obs_sum[t * N_OBS + OBS_SX]), 0.0);
  }
  qs_ensemble_result_destroy(&r);
  qs_model_destroy(&m);
}

static int register_type(void)
{
  return qs_model_type_register(&tls_type, NULL, 0) == QS_OK ? 0 : 1;
}

static int unregister_type(void)
{
  return qs_model_type_unregister(&tls_type) == QS_OK ? 0 : 1;
}

int qs_test_register_model_example(void)
{
  CU_pSuite suite = CU_add_suite("model_example", register_type, unregister_type);
  if (!suite ||
      !CU_add_test(suite, "found by name, roles and hooks", test_registered_and_generic) ||
      !CU_add_test(suite, "steady state = Bloch fixed point", test_bloch_steady_state) ||
      !CU_add_test(suite, "trajectories: sz(t) = 2 exp(-gamma t) - 1", test_decay_ensemble))
    return -1;
  return 0;
}
