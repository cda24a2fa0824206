/* What is particular to the erk integrator (traj_erk.c); the checks every
 * integrator passes are in test_integrators.c.
 *
 *  - A jump costs no restart.  On a two-level system whose only collapse
 *    operator is sqrt(gamma) * identity, a jump only renormalizes psi:
 *    the normalized trajectory is the one without jumps, and
 *    ||psi||^2 = exp(-gamma t) between jumps.  ERKStep's step size is set
 *    by the eigenfrequencies of H (+-5 here; gamma = 1 changes |lambda|
 *    by 0.5 %), so a trajectory with J jumps takes the steps of the
 *    gamma = 0 trajectory plus, per jump, the step cut at the jump time
 *    and at most one rejected try: fewer than 2 J extra steps.  A
 *    multistep method restarts at order 1 with a small step at each
 *    jump (adams: printed for comparison).
 *  - A trajectory does not depend on the one integrated before it with
 *    the same qs_traj (the same bits as on a fresh one), which ensembles
 *    need to give the same results for any thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

enum { UD_FREQ, UD_GAMMA, UD_N };

static const qs_param_spec ud_params[UD_N] = {
  [UD_FREQ] = {"freq", "1", 5.0, 0.0, 1e3, "eigenfrequencies +-freq of H = (6 sz + 8 sx) freq / 10",
               NULL},
  [UD_GAMMA] = {"gamma", "1", 1.0, 0.0, 1e3, "collapse sqrt(gamma) * identity", NULL},
};

static qs_status op2(double complex a, double complex b, double complex c, double complex d,
                     qs_op **out)
{
  const qs_index row[4] = {0, 0, 1, 1}, col[4] = {0, 1, 0, 1};
  const double complex val[4] = {a, b, c, d};
  return qs_op_from_triplets(2, 4, row, col, val, out);
}

static qs_status ud_build(const double *p, qs_model *m, char *msg, size_t msglen)
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
  m->obs = calloc(1, sizeof *m->obs);
  m->obs_names = calloc(1, sizeof *m->obs_names);
  m->psi0 = calloc(2, sizeof *m->psi0);
  if (!m->c || !m->c_names || !m->obs || !m->obs_names || !m->psi0)
    return QS_ERR_NOMEM;
  m->psi0[0] = 1.0;
  /* (6 sz + 8 sx) / 10 has eigenvalues +-1. */
  const double f = p[UD_FREQ], g = sqrt(p[UD_GAMMA]);
  st = op2(0.6 * f, 0.8 * f, 0.8 * f, -0.6 * f, &m->H);
  if (st == QS_OK && g > 0.0) {
    st = op2(g, 0, 0, g, &m->c[0]);
    strcpy(m->c_names[0], "renormalize");
    m->n_c = 1;
  }
  if (st == QS_OK) {
    st = op2(1, 0, 0, -1, &m->obs[0]);
    strcpy(m->obs_names[0], "sz");
    m->n_obs = 1;
  }
  return st;
}

static const qs_model_type ud_type = {
  .name = "test_uniform_decay",
  .summary = "two-level system whose jumps only renormalize (test_erk.c)",
  .n_params = UD_N,
  .params = ud_params,
  .build = ud_build,
};

static qs_traj *make(const qs_model *m, qs_integrator integ)
{
  qs_traj_options o = qs_traj_default_options();
  o.integrator = integ;
  o.rtol = 1e-6;
  o.atol = 1e-14; /* relative control only, as ||psi|| decays between jumps */
  qs_traj *tr = NULL;
  CU_ASSERT_EQUAL(qs_traj_create(m, &o, &tr), QS_OK);
  return tr;
}

/* Steps over [0, t_end] with outputs every 0.25 for trajectories 0..n-1
 * (summed), and their jumps. */
static void count_steps(const qs_model *m, qs_integrator integ, int n, double t_end,
                        long *steps, long *jumps)
{
  qs_traj *tr = make(m, integ);
  CU_ASSERT_FATAL(tr != NULL);
  *steps = *jumps = 0;
  for (int k = 0; k < n; k++) {
    qs_traj_start(tr, NULL, 0.0, 3, (uint64_t)k);
    for (double t = 0.25; t <= t_end; t += 0.25)
      CU_ASSERT_EQUAL(qs_traj_evolve_to(tr, t), QS_OK);
    qs_traj_stats s;
    qs_traj_get_stats(tr, &s);
    *steps += s.steps;
    *jumps += s.jumps;
  }
  qs_traj_destroy(&tr);
}

static qs_model *ud_model(double gamma)
{
  const char *keys[] = {"gamma", NULL};
  const double values[] = {gamma};
  return test_model("test_uniform_decay", keys, values);
}

static void test_jump_costs_no_restart(void)
{
  qs_model *decaying = ud_model(1.0), *free = ud_model(0.0);
  CU_ASSERT_FATAL(decaying != NULL && free != NULL);
  const qs_integrator integ[2] = {QS_INTEGRATOR_ERK, QS_INTEGRATOR_ADAMS};
  enum { NTRAJ = 20 };
  const double t_end = 40.0;
  for (int i = 0; i < 2; i++) {
    long steps, jumps, free_steps, no_jumps;
    count_steps(decaying, integ[i], NTRAJ, t_end, &steps, &jumps);
    count_steps(free, integ[i], NTRAJ, t_end, &free_steps, &no_jumps);
    CU_ASSERT_EQUAL(no_jumps, 0);
    /* about gamma t_end = 40 jumps per trajectory */
    CU_ASSERT(jumps > 20 * NTRAJ && jumps < 60 * NTRAJ);
    const double extra = (double)(steps - free_steps) / (double)jumps;
    printf("\n    %s: %.1f steps per trajectory without jumps, %.2f more per jump ",
           qs_integrator_name(integ[i]), (double)free_steps / NTRAJ, extra);
    if (integ[i] == QS_INTEGRATOR_ERK)
      CU_ASSERT(extra < 2.0);
  }
  qs_model_destroy(&decaying);
  qs_model_destroy(&free);
}

/* Trajectory 7 alone on a fresh qs_traj and after trajectory 6 (with
 * restart_step > 0, so an initial step was set at a jump): the same bits. */
static void test_start_forgets_previous(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  CU_ASSERT_FATAL(m != NULL);
  qs_traj_options o = qs_traj_default_options();
  o.integrator = QS_INTEGRATOR_ERK;
  o.restart_step = 0.5;
  double complex psi[2][4];
  qs_traj_stats stats[2];
  for (int used = 0; used < 2; used++) {
    qs_traj *tr = NULL;
    CU_ASSERT_EQUAL_FATAL(qs_traj_create(m, &o, &tr), QS_OK);
    if (used) {
      qs_traj_start(tr, NULL, 0.0, 11, 6);
      CU_ASSERT_EQUAL(qs_traj_evolve_to(tr, 13.7), QS_OK);
    }
    qs_traj_start(tr, NULL, 0.0, 11, 7);
    CU_ASSERT_EQUAL(qs_traj_evolve_to(tr, 20.0), QS_OK);
    qs_traj_state(tr, psi[used]);
    qs_traj_get_stats(tr, &stats[used]);
    qs_traj_destroy(&tr);
  }
  CU_ASSERT(stats[0].jumps > 0);
  CU_ASSERT_EQUAL(memcmp(psi[0], psi[1], sizeof psi[0]), 0);
  CU_ASSERT_EQUAL(stats[0].steps, stats[1].steps);
  CU_ASSERT_EQUAL(stats[0].rhs_evals, stats[1].rhs_evals);
  CU_ASSERT_EQUAL(stats[0].root_evals, stats[1].root_evals);
  qs_model_destroy(&m);
}

static int register_type(void)
{
  return qs_model_type_register(&ud_type, NULL, 0) == QS_OK ? 0 : 1;
}

static int unregister_type(void)
{
  return qs_model_type_unregister(&ud_type) == QS_OK ? 0 : 1;
}

int qs_test_register_erk(void)
{
  CU_pSuite suite = CU_add_suite("erk", register_type, unregister_type);
  if (!suite ||
      !CU_add_test(suite, "a jump costs no restart (fewer than 2 extra steps)",
                   test_jump_costs_no_restart) ||
      !CU_add_test(suite, "a start forgets the previous trajectory (same bits)",
                   test_start_forgets_previous))
    return -1;
  return 0;
}
