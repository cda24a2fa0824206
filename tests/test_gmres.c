/* The shared GMRES (gmres.h): a non-symmetric complex system against a
 * dense LU solve (LAPACK zgesv), with and without a preconditioner and
 * through restarts; the iteration counts exact arithmetic fixes (d
 * distinct eigenvalues: d iterations; exact preconditioner: 1); the
 * callbacks' contract and every error path. */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qsync/gmres.h"
#include "test_util.h"

#define DIM 6

/* A dense complex system A x = b (column-major) with the callbacks'
 * bookkeeping. */
typedef struct {
  int n;
  double complex a[DIM * DIM];
  double complex b[DIM];
  double complex diag_inv[DIM]; /* Jacobi preconditioner M = diag(A) */
  int use_precond;
  int applies, residuals;
  int fail_after; /* apply returns QS_ERR_NUMERIC after this many calls (-1: never) */
  double complex *scratch; /* the solve's r: apply fills it with NaN (the
                              contract lets callbacks use r as scratch) */
} dense_system;

static void matvec(const dense_system *s, const double complex *x, double complex *y)
{
  for (int i = 0; i < s->n; i++) {
    double complex t = 0.0;
    for (int j = 0; j < s->n; j++)
      t += s->a[i + j * s->n] * x[j];
    y[i] = t;
  }
}

static qs_status sys_apply(const double complex *v, double complex *w, void *data)
{
  dense_system *s = data;
  if (s->fail_after >= 0 && s->applies >= s->fail_after)
    return QS_ERR_NUMERIC;
  s->applies++;
  for (int i = 0; s->scratch && i < s->n; i++)
    s->scratch[i] = NAN;
  double complex u[DIM];
  for (int i = 0; i < s->n; i++)
    u[i] = s->use_precond ? s->diag_inv[i] * v[i] : v[i];
  matvec(s, u, w);
  return QS_OK;
}

static qs_status sys_precond(double complex *z, void *data)
{
  const dense_system *s = data;
  for (int i = 0; i < s->n; i++)
    z[i] *= s->diag_inv[i];
  return QS_OK;
}

/* r = b - A x, res = ||r|| / ||x||. */
static qs_status sys_residual(double complex *x, double complex *r, double *res, void *data)
{
  dense_system *s = data;
  s->residuals++;
  matvec(s, x, r);
  double rn = 0.0, xn = 0.0;
  for (int i = 0; i < s->n; i++) {
    r[i] = s->b[i] - r[i];
    rn += creal(r[i] * conj(r[i]));
    xn += creal(x[i] * conj(x[i]));
  }
  *res = sqrt(rn / xn);
  return QS_OK;
}

/* A non-symmetric, non-Hermitian A with a dominant diagonal (so that
 * ||A^{-1}|| <= 1 / (diagonal margin) and the LU reference is accurate). */
static void make_system(dense_system *s, int n)
{
  memset(s, 0, sizeof *s);
  s->n = n;
  s->fail_after = -1;
  for (int j = 0; j < n; j++) {
    for (int i = 0; i < n; i++)
      s->a[i + j * n] = 0.3 * sin(1.7 * i + 0.9 * j * j + 0.4) + 0.2 * I * cos(2.3 * i - j);
    s->a[j + j * n] += 4.0 + j + 0.5 * I * j;
    s->b[j] = cos(0.8 * j) + I * sin(1.1 * j + 0.3);
  }
  for (int i = 0; i < n; i++)
    s->diag_inv[i] = 1.0 / s->a[i + i * n];
}

/* Solve from x0 = (1, ..., 1) (the residual is relative to ||x||: x must
 * not start at 0); returns the status. */
static qs_status run(dense_system *s, int restart, const qs_gmres_options *o,
                     double complex *x, double *res, int *it)
{
  qs_gmres *g = NULL;
  qs_status st = qs_gmres_create(s->n, restart, &g);
  CU_ASSERT_EQUAL_FATAL(st, QS_OK);
  double complex r[DIM];
  for (int i = 0; i < s->n; i++)
    x[i] = 1.0;
  sys_residual(x, r, res, s);
  const qs_gmres_problem p = {sys_apply, s->use_precond ? sys_precond : NULL, sys_residual, s};
  s->scratch = r;
  st = qs_gmres_solve(g, &p, o, x, r, res, it);
  s->scratch = NULL;
  qs_gmres_destroy(&g);
  CU_ASSERT_PTR_NULL(g);
  return st;
}

/* Against LAPACK's zgesv: ||x - x*|| <= ||A^{-1}|| ||r|| <= ||r|| / margin
 * with margin >= 4 - 0.3 * 6 - 0.2 * 6 = 1 (row sums of the off-diagonal
 * parts), and ||r|| <= tol ||x|| ~ 1e-12. */
static void check_against_zgesv(int use_precond, int restart)
{
  dense_system s;
  make_system(&s, DIM);
  s.use_precond = use_precond;
  qs_gmres_options o = qs_gmres_default_options();
  o.tol = 1e-12;
  double complex x[DIM];
  double res = NAN;
  int it = 0;
  CU_ASSERT_EQUAL(run(&s, restart, &o, x, &res, &it), QS_OK);
  CU_ASSERT(res <= o.tol);
  if (restart >= 2 * DIM) /* exact within the real dimension 2 DIM */
    CU_ASSERT(it >= 1 && it <= 2 * DIM);
  double complex lu[DIM * DIM], xr[DIM];
  lapack_int piv[DIM];
  memcpy(lu, s.a, sizeof lu);
  memcpy(xr, s.b, sizeof xr);
  CU_ASSERT_EQUAL_FATAL(LAPACKE_zgesv(LAPACK_COL_MAJOR, DIM, 1, lu, DIM, piv, xr, DIM), 0);
  CU_ASSERT(test_max_diff(x, xr, DIM) < 1e-10);
}

static void test_vs_zgesv(void)
{
  check_against_zgesv(0, 30); /* one cycle: 2 DIM real dimensions suffice */
  check_against_zgesv(0, 3);  /* restarted */
  check_against_zgesv(1, 30); /* right-preconditioned */
  check_against_zgesv(1, 3);
}

/* A = diag with the d = 3 distinct values {1, 2, 5} on 6 complex (12
 * real) coordinates, b with a component along each eigenspace: the
 * minimal polynomial of A on the Krylov space of r0 has degree 3, so
 * GMRES is exact at iteration 3 and no polynomial of degree 2 with
 * p(0) = 1 vanishes at three points (the residual after 2 iterations is
 * bounded away from 0). */
static void test_distinct_eigenvalues(void)
{
  dense_system s;
  make_system(&s, DIM);
  static const double eig[DIM] = {1.0, 2.0, 5.0, 2.0, 1.0, 5.0};
  memset(s.a, 0, sizeof s.a);
  for (int i = 0; i < DIM; i++)
    s.a[i + i * DIM] = eig[i];
  qs_gmres_options o = qs_gmres_default_options();
  o.tol = 1e-10;
  double complex x[DIM];
  double res = NAN;
  int it = 0;
  CU_ASSERT_EQUAL(run(&s, 20, &o, x, &res, &it), QS_OK);
  CU_ASSERT_EQUAL(it, 3);
  CU_ASSERT_EQUAL(s.residuals, 2); /* the caller's first one and one cycle */
  CU_ASSERT(res <= o.tol);
  for (int i = 0; i < DIM; i++)
    CU_ASSERT(cabs(x[i] - s.b[i] / eig[i]) < 1e-12);
}

/* M = A (diagonal A, Jacobi preconditioner): A M^{-1} = I, one iteration. */
static void test_exact_preconditioner(void)
{
  dense_system s;
  make_system(&s, DIM);
  for (int j = 0; j < DIM; j++)
    for (int i = 0; i < DIM; i++)
      if (i != j)
        s.a[i + j * DIM] = 0.0;
  s.use_precond = 1;
  qs_gmres_options o = qs_gmres_default_options();
  double complex x[DIM];
  double res = NAN;
  int it = 0;
  CU_ASSERT_EQUAL(run(&s, 20, &o, x, &res, &it), QS_OK);
  CU_ASSERT_EQUAL(it, 1);
  CU_ASSERT(res <= o.tol);
}

typedef struct {
  int calls, last;
  double last_res;
} progress_log;

static void log_progress(int iteration, double residual, void *data)
{
  progress_log *l = data;
  CU_ASSERT_EQUAL(iteration, l->last + 1);
  l->calls++;
  l->last = iteration;
  l->last_res = residual;
}

/* max_iter caps the iterations across restarts; progress sees each one. */
static void test_max_iter_and_progress(void)
{
  dense_system s;
  make_system(&s, DIM);
  progress_log log = {0, 0, NAN};
  qs_gmres_options o = qs_gmres_default_options();
  o.tol = 1e-14;
  o.max_iter = 5;
  o.progress = log_progress;
  o.progress_data = &log;
  double complex x[DIM];
  double res = NAN;
  int it = 0;
  CU_ASSERT_EQUAL(run(&s, 2, &o, x, &res, &it), QS_OK); /* not converged: caller judges */
  CU_ASSERT_EQUAL(it, 5);
  CU_ASSERT_EQUAL(log.calls, 5);
  CU_ASSERT_EQUAL(s.applies, 5);
  CU_ASSERT_EQUAL(s.residuals, 1 + 3); /* cycles of 2, 2, 1 iterations */
  CU_ASSERT(res > o.tol);
  CU_ASSERT(isfinite(log.last_res) && log.last_res > 0.0);
}

static void test_errors(void)
{
  qs_gmres *g = NULL;
  CU_ASSERT_EQUAL(qs_gmres_create(0, 5, &g), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_gmres_create(5, 0, &g), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_gmres_create(5, 5, NULL), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_gmres_create((qs_index)1 << 40, 5, &g), QS_ERR_TOO_LARGE);
  CU_ASSERT_PTR_NULL(g);
  qs_gmres_destroy(NULL);
  qs_gmres_destroy(&g);

  dense_system s;
  make_system(&s, DIM);
  CU_ASSERT_EQUAL_FATAL(qs_gmres_create(DIM, 4, &g), QS_OK);
  double complex x[DIM], r[DIM];
  for (int i = 0; i < DIM; i++)
    x[i] = 1.0;
  double res = NAN;
  sys_residual(x, r, &res, &s);
  const double res0 = res;
  qs_gmres_options o = qs_gmres_default_options();
  qs_gmres_problem p = {NULL, NULL, sys_residual, &s};
  int it = -1;
  CU_ASSERT_EQUAL(qs_gmres_solve(g, &p, &o, x, r, &res, &it), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(it, 0);
  p.apply = sys_apply;
  p.residual = NULL;
  CU_ASSERT_EQUAL(qs_gmres_solve(g, &p, &o, x, r, &res, &it), QS_ERR_INVALID);
  p.residual = sys_residual;
  o.tol = 0.0;
  CU_ASSERT_EQUAL(qs_gmres_solve(g, &p, &o, x, r, &res, &it), QS_ERR_INVALID);
  o = qs_gmres_default_options();
  o.max_iter = 0;
  CU_ASSERT_EQUAL(qs_gmres_solve(g, &p, &o, x, r, &res, &it), QS_ERR_INVALID);

  /* A failing operator stops the solve with its status; x keeps the last
   * complete cycle (here: none, so x0). */
  o = qs_gmres_default_options();
  s.fail_after = 2;
  CU_ASSERT_EQUAL(qs_gmres_solve(g, &p, &o, x, r, &res, &it), QS_ERR_NUMERIC);
  CU_ASSERT_EQUAL(it, 2);
  CU_ASSERT_EQUAL(res, res0);
  for (int i = 0; i < DIM; i++)
    CU_ASSERT_EQUAL(x[i], 1.0);

  /* A non-finite residual ends the solve at once (nothing to improve). */
  s.fail_after = -1;
  s.applies = 0;
  res = NAN;
  CU_ASSERT_EQUAL(qs_gmres_solve(g, &p, &o, x, r, &res, &it), QS_OK);
  CU_ASSERT_EQUAL(it, 0);
  CU_ASSERT_EQUAL(s.applies, 0);
  qs_gmres_destroy(&g);
}

/* The cyclic shift A e_i = e_{i+1 mod n} with b = e_0 and x0 = 0: the
 * classic example of complete stagnation of restarted GMRES (m < n).  A
 * K_m(A, e_0) = span(e_1 .. e_m) is orthogonal to e_0, so no cycle
 * lowers ||r|| = 1 (the minimizer is 0); unrestarted GMRES solves it in
 * n steps (A^n = I).  stall_cycles stops after that many cycles. */
static qs_status shift_apply(const double complex *v, double complex *w, void *data)
{
  (void)data;
  for (int i = 0; i < DIM; i++)
    w[(i + 1) % DIM] = v[i];
  return QS_OK;
}

static qs_status shift_residual(double complex *x, double complex *r, double *res, void *data)
{
  (void)data;
  double rn = 0.0;
  for (int i = 0; i < DIM; i++) {
    r[(i + 1) % DIM] = -x[i];
  }
  r[0] += 1.0;
  for (int i = 0; i < DIM; i++)
    rn += creal(r[i] * conj(r[i]));
  *res = sqrt(rn);
  return QS_OK;
}

static void test_stagnation(void)
{
  const qs_gmres_problem p = {shift_apply, NULL, shift_residual, NULL};
  const int restarts[2] = {3, DIM};
  for (int k = 0; k < 2; k++) {
    qs_gmres *g = NULL;
    CU_ASSERT_EQUAL_FATAL(qs_gmres_create(DIM, restarts[k], &g), QS_OK);
    qs_gmres_options o = qs_gmres_default_options();
    o.max_iter = 60;
    o.stall_cycles = 4;
    double complex x[DIM] = {0}, r[DIM];
    double res;
    int it = 0;
    shift_residual(x, r, &res, NULL);
    CU_ASSERT_EQUAL(qs_gmres_solve(g, &p, &o, x, r, &res, &it), QS_OK);
    if (k == 0) {
      CU_ASSERT_EQUAL(it, 4 * 3);  /* four cycles of 3, no progress */
      CU_ASSERT(fabs(res - 1.0) < 1e-12);
    } else {
      CU_ASSERT_EQUAL(it, DIM);
      CU_ASSERT(res < 1e-12);
    }
    qs_gmres_destroy(&g);
  }
}

int qs_test_register_gmres(void)
{
  const test_case cases[] = {
      {"non-symmetric system vs zgesv (restarts, preconditioner)", test_vs_zgesv},
      {"3 distinct eigenvalues: exact in 3 iterations", test_distinct_eigenvalues},
      {"exact preconditioner: 1 iteration", test_exact_preconditioner},
      {"max_iter across restarts, progress", test_max_iter_and_progress},
      {"errors", test_errors},
      {"restarted GMRES stagnates on the cyclic shift; stall_cycles stops it", test_stagnation},
  };
  return test_add_suite("gmres", cases, (int)(sizeof cases / sizeof cases[0]));
}
