/* The exact integrator (traj.h, QS_INTEGRATOR_EXACT) against closed forms
 * of a driven, decaying two-level system, registered here as a model:
 *
 *   H = (Omega/2) sx,  c = sqrt(gamma) |g><e|,  basis 0 = e, 1 = g,
 *   H_eff = [[-i gamma/2, Omega/2], [Omega/2, 0]].
 *
 * From |g> without jumps (Rabi oscillation with damping), with
 * W = sqrt(Omega^2 - gamma^2/4) (imaginary when overdamped):
 *   a_g(t) = exp(-gamma t/4) (cos(W t/2) + gamma/(2W) sin(W t/2)),
 *   a_e(t) = -i (Omega/W) exp(-gamma t/4) sin(W t/2),
 * (check: a_g' = -i Omega/2 a_e, a_e' = -gamma/2 a_e - i Omega/2 a_g),
 * ||psi||^2 = |a_e|^2 + |a_g|^2.  The eigenvalues are
 * lambda = -i gamma/4 +- W/2 with eigenvectors (2 lambda/Omega, 1), which
 * merge at Omega = gamma/2 (W = 0: an exceptional point, H_eff a Jordan
 * block) — the case the exact integrator must refuse. */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

enum { RABI_OMEGA, RABI_GAMMA, RABI_N };

static const qs_param_spec rabi_params[RABI_N] = {
  [RABI_OMEGA] = {"rabi", "1", 1.0, 0.0, 1e3, "Rabi frequency Omega in H = (Omega/2) sx", NULL},
  [RABI_GAMMA] = {"decay", "1", 1.0, 0.0, 1e3, "decay rate gamma (collapse sqrt(gamma) |g><e|)",
                  NULL},
};

static qs_status op2(double complex a, double complex b, double complex c, double complex d,
                     qs_op **out)
{
  const qs_index row[4] = {0, 0, 1, 1}, col[4] = {0, 1, 0, 1};
  const double complex val[4] = {a, b, c, d};
  return qs_op_from_triplets(2, 4, row, col, val, out);
}

static qs_status rabi_build(const double *p, qs_model *m, char *msg, size_t msglen)
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
  m->psi0[1] = 1.0; /* |g> */
  st = op2(0, p[RABI_OMEGA] / 2, p[RABI_OMEGA] / 2, 0, &m->H);
  if (st == QS_OK)
    st = op2(0, 0, sqrt(p[RABI_GAMMA]), 0, &m->c[0]);
  strcpy(m->c_names[0], "decay");
  m->n_c = 1;
  if (st == QS_OK)
    st = op2(1, 0, 0, 0, &m->obs[0]);
  strcpy(m->obs_names[0], "p_e");
  m->n_obs = 1;
  return st;
}

static const qs_model_type rabi_type = {
  .name = "exact_test_rabi",
  .summary = "driven decaying two-level system (tests of the exact integrator)",
  .n_params = RABI_N,
  .params = rabi_params,
  .build = rabi_build,
};

static qs_model *rabi_model(double omega, double gamma)
{
  const char *keys[] = {"rabi", "decay", NULL};
  const double values[] = {omega, gamma};
  return test_model("exact_test_rabi", keys, values);
}

/* The closed form of the header from |g>: amplitudes (a_e, a_g). */
static void rabi_closed_form(double omega, double gamma, double t, double complex psi[2])
{
  /* (Omega - gamma/2)(Omega + gamma/2): no cancellation near W = 0 */
  double complex w = csqrt((omega - gamma / 2) * (omega + gamma / 2) + 0.0 * I);
  double complex s = csin(w * t / 2), c = ccos(w * t / 2);
  double decay = exp(-gamma * t / 4);
  psi[0] = -I * (omega / w) * decay * s;
  psi[1] = decay * (c + gamma / (2 * w) * s);
}

static double norm2_2(const double complex psi[2])
{
  return creal(psi[0] * conj(psi[0]) + psi[1] * conj(psi[1]));
}

static qs_traj *make_exact(const qs_model *m, double rtol)
{
  qs_traj_options o = qs_traj_default_options();
  o.integrator = QS_INTEGRATOR_EXACT;
  o.rtol = rtol;
  qs_traj *tr = NULL;
  CU_ASSERT_EQUAL(qs_traj_create(m, &o, &tr), QS_OK);
  return tr;
}

/* Without jumps the state is the closed form at every output time, to
 * rounding: underdamped, overdamped, and 1e-9 from the exceptional point
 * (cond(V) ~ 1e5 there, accepted at rtol 1e-6: error <= 1e-9 promised). */
static void test_rabi_no_jump(void)
{
  const double cases[][3] = {{1.3, 0.9, 1e-13}, {0.2, 1.0, 1e-13}, {0.5 * (1 + 1e-9), 1.0, 1e-9}};
  const double times[] = {0.1, 0.7, 2.5, 6.0, 13.0};
  for (int c = 0; c < 3; c++) {
    double omega = cases[c][0], gamma = cases[c][1], tol = cases[c][2];
    qs_model *m = rabi_model(omega, gamma);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    qs_traj *tr = make_exact(m, 1e-6);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
    qs_traj_set_jumps_enabled(tr, 0);
    CU_ASSERT_EQUAL(qs_traj_start(tr, NULL, 0.0, 1, 0), QS_OK);
    double worst = 0.0;
    for (int k = 0; k < 5; k++) {
      CU_ASSERT_EQUAL(qs_traj_evolve_to(tr, times[k]), QS_OK);
      double complex want[2], got[2];
      rabi_closed_form(omega, gamma, times[k], want);
      double n2 = norm2_2(want);
      worst = fmax(worst, fabs(qs_traj_norm2(tr) - n2) / n2);
      qs_traj_state(tr, got);
      for (int i = 0; i < 2; i++)
        worst = fmax(worst, cabs(got[i] - want[i] / sqrt(n2)));
    }
    CU_ASSERT(worst < tol);
    qs_traj_stats s;
    qs_traj_get_stats(tr, &s);
    /* one state per output time, no right-hand side, no root finding */
    CU_ASSERT_EQUAL(s.steps, 5);
    CU_ASSERT_EQUAL(s.rhs_evals, 0);
    CU_ASSERT_EQUAL(s.root_evals, 0);
    qs_traj_destroy(&tr);
    qs_model_destroy(&m);
  }
}

/* The first jump where the closed-form ||psi||^2 reaches r (found here by
 * bisection on the closed form), for 40 streams. */
static void test_rabi_jump_time(void)
{
  const double omega = 1.3, gamma = 0.9;
  qs_model *m = rabi_model(omega, gamma);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  qs_traj *tr = make_exact(m, 1e-9);
  CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
  double worst = 0.0;
  long most_root_evals = 0;
  for (uint64_t index = 0; index < 40; index++) {
    qs_rng rng;
    qs_rng_seed(&rng, 5, index);
    double r = qs_rng_uniform(&rng), lo = 0.0, hi = 1.0;
    double complex psi[2];
    for (rabi_closed_form(omega, gamma, hi, psi); norm2_2(psi) > r;
         rabi_closed_form(omega, gamma, hi, psi))
      hi *= 2;
    for (int it = 0; it < 200; it++) {
      double mid = 0.5 * (lo + hi);
      rabi_closed_form(omega, gamma, mid, psi);
      *(norm2_2(psi) > r ? &lo : &hi) = mid;
    }
    /* the first output time after the jump: one state there, one per
     * root-finding iterate (the last one is the state at the jump) */
    double t_jump = -1.0;
    CU_ASSERT_EQUAL(qs_traj_start(tr, NULL, 0.0, 5, index), QS_OK);
    CU_ASSERT_EQUAL(qs_traj_step(tr, hi + 3.0, &t_jump), QS_JUMPED);
    worst = fmax(worst, fabs(t_jump - 0.5 * (lo + hi)));
    qs_traj_stats s;
    qs_traj_get_stats(tr, &s);
    CU_ASSERT_EQUAL(s.steps, 1 + s.root_evals);
    CU_ASSERT_EQUAL(s.jumps, 1);
    most_root_evals = s.root_evals > most_root_evals ? s.root_evals : most_root_evals;
    /* the jump to |g> restarts from the closed form's initial state */
    double complex after[2];
    qs_traj_state(tr, after);
    CU_ASSERT(cabs(after[1]) > 1.0 - 1e-15 && cabs(after[0]) == 0.0);
  }
  /* |ln f - ln r| <= 1e-12 (1e-3 rtol) over a decay rate
   * gamma |a_e|^2 / f, which is >= 1e-3 unless the jump comes within
   * ~0.1 of the start (r > 0.9997; not among these 40 draws, else the
   * check would fail and say so): time error <= 1e-9. */
  CU_ASSERT(worst < 1e-9);
  /* Newton converges quadratically once near the root: a handful of
   * iterates (bisection alone needs ~40 to shrink these brackets of a
   * few time units to the 1e-12 reached) */
  CU_ASSERT(most_root_evals >= 1 && most_root_evals <= 12);
  qs_traj_destroy(&tr);
  qs_model_destroy(&m);
}

/* cond_1 of the unit-column eigenvector matrix from the closed form
 * (phases of the columns change neither ||V||_1 nor ||V^{-1}||_1). */
static double rabi_condition(double omega, double gamma)
{
  double complex w = csqrt((omega - gamma / 2) * (omega + gamma / 2) + 0.0 * I);
  double complex v[2][2]; /* v[k] = column k */
  for (int k = 0; k < 2; k++) {
    double complex lambda = -I * gamma / 4 + (k == 0 ? 1 : -1) * w / 2;
    v[k][0] = 2 * lambda / omega;
    v[k][1] = 1.0;
    double n = sqrt(norm2_2(v[k]));
    v[k][0] /= n;
    v[k][1] /= n;
  }
  double complex det = v[0][0] * v[1][1] - v[1][0] * v[0][1];
  double norm_v = fmax(cabs(v[0][0]) + cabs(v[0][1]), cabs(v[1][0]) + cabs(v[1][1]));
  /* inverse of [[a, b], [c, d]] is [[d, -b], [-c, a]] / det */
  double norm_inv = fmax(cabs(v[1][1]) + cabs(v[0][1]), cabs(v[1][0]) + cabs(v[0][0])) /
                    cabs(det);
  return norm_v * norm_inv;
}

/* The reliability check: condition number against the closed form,
 * reconstruction residual at rounding level, refusal at the exceptional
 * point and, near it, refusal once rtol asks for more than cond * eps. */
static void test_decomposition_check(void)
{
  const double omegas[] = {1.3, 0.6, 0.5 * (1 + 1e-9)};
  for (int c = 0; c < 3; c++) {
    qs_model *m = rabi_model(omegas[c], 1.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    double cond = 0, residual = 0, allowed = 0, want = rabi_condition(omegas[c], 1.0);
    CU_ASSERT_EQUAL(qs_traj_exact_check(m, NULL, &cond, &residual, &allowed), QS_OK);
    CU_ASSERT_DOUBLE_EQUAL(allowed, 1e-9, 1e-24);
    /* zgecon estimates ||V^{-1}||_1 from below; exact for 2 x 2 in
     * practice, so 1e-3 covers the eigenvectors' rounding (eps / W). */
    CU_ASSERT(fabs(cond - want) <= 1e-3 * want);
    CU_ASSERT(residual < 1e-14 * want);
    qs_model_destroy(&m);
  }
  /* near the exceptional point cond ~ 1e5: refused when the allowed
   * error 1e-12 (the floor, rtol 1e-10) is below cond * eps ~ 2e-11 */
  qs_model *near = rabi_model(0.5 * (1 + 1e-9), 1.0);
  qs_traj_options o = qs_traj_default_options();
  o.rtol = 1e-10;
  CU_ASSERT_EQUAL(qs_traj_exact_check(near, &o, NULL, NULL, NULL), QS_ERR_NUMERIC);
  o.integrator = QS_INTEGRATOR_EXACT;
  qs_traj *tr = NULL;
  CU_ASSERT_EQUAL(qs_traj_create(near, &o, &tr), QS_ERR_NUMERIC);
  CU_ASSERT_PTR_NULL(tr);
  qs_model_destroy(&near);
  /* at it: a Jordan block, cond >= 1/sqrt(eps) whatever zgeev returns */
  qs_model *ep = rabi_model(0.5, 1.0);
  double cond = 0;
  CU_ASSERT_EQUAL(qs_traj_exact_check(ep, NULL, &cond, NULL, NULL), QS_ERR_NUMERIC);
  CU_ASSERT(cond > 1e7);
  o = qs_traj_default_options();
  o.integrator = QS_INTEGRATOR_EXACT;
  CU_ASSERT_EQUAL(qs_traj_create(ep, &o, &tr), QS_ERR_NUMERIC);
  CU_ASSERT_PTR_NULL(tr);
  o.integrator = QS_INTEGRATOR_ADAMS; /* the others integrate it */
  CU_ASSERT_EQUAL(qs_traj_create(ep, &o, &tr), QS_OK);
  qs_traj_destroy(&tr);
  qs_model_destroy(&ep);
  /* time-dependent models and bad arguments */
  const char *keys[] = {"frame", NULL};
  const double lab[] = {1};
  qs_model *td = test_cavity(keys, lab);
  CU_ASSERT_EQUAL(qs_traj_exact_check(td, NULL, NULL, NULL, NULL), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_traj_exact_check(NULL, NULL, NULL, NULL, NULL), QS_ERR_INVALID);
  qs_model_destroy(&td);
}

/* Ensembles do not depend on the thread count: every trajectory makes
 * the same decomposition and the same arithmetic. */
static void test_threads_identical(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  double times[21];
  for (int t = 0; t < 21; t++)
    times[t] = 0.5 * t;
  qs_traj_options to = qs_traj_default_options();
  to.integrator = QS_INTEGRATOR_EXACT;
  qs_ensemble_result *r[2] = {NULL, NULL};
  for (int k = 0; k < 2; k++) {
    qs_ensemble_options o = qs_ensemble_default_options();
    o.ntraj = 300;
    o.seed = 8;
    o.threads = k + 1;
    o.times = times;
    o.n_times = 21;
    char msg[256];
    CU_ASSERT_EQUAL_FATAL(qs_ensemble_run(m, &to, &o, &r[k], msg, sizeof msg), QS_OK);
  }
  size_t n = (size_t)r[0]->n_times * (size_t)r[0]->n_obs;
  CU_ASSERT(memcmp(r[0]->obs_sum, r[1]->obs_sum, n * sizeof *r[0]->obs_sum) == 0);
  CU_ASSERT(memcmp(r[0]->obs_sq_re, r[1]->obs_sq_re, n * sizeof *r[0]->obs_sq_re) == 0);
  CU_ASSERT_EQUAL(r[0]->work.steps, r[1]->work.steps);
  CU_ASSERT_EQUAL(r[0]->work.root_evals, r[1]->work.root_evals);
  CU_ASSERT_EQUAL(r[0]->work.jumps, r[1]->work.jumps);
  CU_ASSERT(r[0]->work.jumps > 0 && r[0]->work.rhs_evals == 0);
  qs_ensemble_result_destroy(&r[0]);
  qs_ensemble_result_destroy(&r[1]);
  qs_model_destroy(&m);
}

static int register_type(void)
{
  return qs_model_type_register(&rabi_type, NULL, 0) == QS_OK ? 0 : 1;
}

static int unregister_type(void)
{
  return qs_model_type_unregister(&rabi_type) == QS_OK ? 0 : 1;
}

int qs_test_register_traj_exact(void)
{
  CU_pSuite suite = CU_add_suite("traj_exact", register_type, unregister_type);
  if (!suite ||
      !CU_add_test(suite, "damped Rabi without jumps = closed form (3 regimes)",
                   test_rabi_no_jump) ||
      !CU_add_test(suite, "jump time = root of the closed-form norm", test_rabi_jump_time) ||
      !CU_add_test(suite, "cond(V) vs closed form; exceptional point refused",
                   test_decomposition_check) ||
      !CU_add_test(suite, "ensembles identical for 1 and 2 threads", test_threads_identical))
    return -1;
  return 0;
}
