/* The grid-propagator ("floquet") back-end of a trajectory (traj.h,
 * traj_impl.h): for a T-periodic H_eff(t) (model->period) the no-jump
 * propagators P_k = U(t_{k+1}, t_k) over the M intervals of the grid
 * t_k = k T / M are the same in every period.  They are computed once per
 * qs_traj_create (dense, dim x dim each, by CVODE Adams at 1000x tighter
 * tolerances than the run's), and a whole grid interval then costs one
 * dense product instead of the dozens of Adams steps that resolve the
 * fast oscillations of H_eff(t) (transmon: ~70 steps per 200 MHz period;
 * docs/benchmarks.md, "Transmon step size").  Worth it for small
 * dimensions: a product costs dim^2, and the set-up dim columns over one
 * period (transmon, dim 81: 0.35 s per run and thread).
 *
 * Since ||psi||^2 only decreases without jumps, a jump lies in the first
 * grid interval whose end is below the threshold r: that interval (and
 * any interval cut by a jump or by an output time off the grid) is
 * integrated by CVODE Adams from its start, with the run's tolerances and
 * root finding, exactly as the adams back-end would.  A model without
 * time dependence has any period: T is then STEPS_PER_INTERVAL Adams steps
 * of a probe state, with M = 1. */
#include "traj_impl.h"
#include "nvector_qs_impl.h"

#include <cvode/cvode.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_context.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

/* Adams steps a grid interval should replace.  Longer intervals make the
 * grid cheaper but the cut intervals (each jump: about one interval of
 * Adams) dearer; on the transmon benchmark (dim 81, ~6 jumps in 20 us)
 * 64, 128 and 256 gave 0.061, 0.039 and 0.043 CPU s per trajectory. */
#define STEPS_PER_INTERVAL 128
/* Memory of all propagators at most, per trajectory object (one per
 * thread): fewer, longer intervals above it. */
#define MAX_PROPAGATOR_BYTES ((size_t)64 << 20)
/* A time within this fraction of a grid step of a grid point is on it
 * (output times are computed by the caller, t_k = k T / M here). */
#define SNAP 1e-8
/* The propagators' tolerances relative to the run's. */
#define PROPAGATOR_TIGHTER 1e-3

typedef struct {
  qs_traj_cvode cv;        /* Adams for the cut intervals; cv.y holds tr->psi */
  double h;                /* grid step T / M */
  long n_grid;             /* M */
  double complex *prop;    /* M propagators, column-major dim x dim */
  double complex *saved;   /* psi before a grid step */
  int live;                /* CVODE is inside a cut interval ending at seg_end */
  double seg_end;
  double h_init;           /* suggested first step of the next CVODE segment */
  qs_traj_stats done;      /* counters of finished CVODE segments + grid steps */
} floquet;

/* ---- the propagators -------------------------------------------------- */

typedef struct {
  const qs_traj *tr;
  qs_index columns;
} matrix_rhs_data;

static int matrix_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data)
{
  const matrix_rhs_data *d = data;
  const double complex *u = (const double complex *)N_VGetArrayPointer(y);
  double complex *du = (double complex *)N_VGetArrayPointer(ydot);
  const qs_index n = d->tr->dim;
  for (qs_index c = 0; c < d->columns; c++)
    qs_traj_derivative(d->tr, t, u + c * n, du + c * n);
  return 0;
}

/* Integrate `columns` states (column-major in u) from t0 to t1 in place;
 * *steps gets CVODE's step count. */
static qs_status integrate_columns(const qs_traj *tr, qs_index columns, double complex *u,
                                   double t0, double t1, double rtol, double atol, long *steps)
{
  SUNContext ctx = NULL;
  if (SUNContext_Create(NULL, &ctx) != 0)
    return QS_ERR_CVODE;
  const qs_index n = tr->dim;
  N_Vector y = qs_nvector_new(2 * n * columns, ctx);
  void *cv = CVodeCreate(CV_ADAMS, ctx);
  SUNNonlinearSolver nls = y ? SUNNonlinSol_FixedPoint(y, 0, ctx) : NULL;
  matrix_rhs_data d = {tr, columns};
  qs_status st = QS_ERR_CVODE;
  if (y && cv && nls) {
    memcpy(N_VGetArrayPointer(y), u, (size_t)(n * columns) * sizeof *u);
    sunrealtype t = t0;
    if (CVodeInit(cv, matrix_rhs, t0, y) == CV_SUCCESS &&
        CVodeSStolerances(cv, rtol, atol) == CV_SUCCESS &&
        CVodeSetUserData(cv, &d) == CV_SUCCESS &&
        CVodeSetMaxNumSteps(cv, 100000000L) == CV_SUCCESS &&
        CVodeSetNonlinearSolver(cv, nls) == CV_SUCCESS &&
        CVodeSetStopTime(cv, t1) == CV_SUCCESS &&
        CVode(cv, t1, y, &t, CV_NORMAL) >= 0) {
      memcpy(u, N_VGetArrayPointer(y), (size_t)(n * columns) * sizeof *u);
      CVodeGetNumSteps(cv, steps);
      st = QS_OK;
    }
  }
  if (cv)
    CVodeFree(&cv);
  if (nls)
    SUNNonlinSolFree(nls);
  if (y)
    N_VDestroy(y);
  SUNContext_Free(&ctx);
  return st;
}

/* The grid: the period T (a time-independent model: STEPS_PER_INTERVAL
 * steps of a probe state spread over every basis state) and M intervals of
 * about STEPS_PER_INTERVAL Adams steps each at the run's tolerances. */
static qs_status choose_grid(const qs_traj *tr, floquet *f)
{
  const qs_index n = tr->dim;
  double complex *probe = malloc((size_t)n * sizeof *probe);
  if (!probe)
    return QS_ERR_NOMEM;
  for (qs_index i = 0; i < n; i++)
    probe[i] = 1.0 / sqrt((double)n);
  const int periodic = tr->model->n_td > 0;
  double span = periodic ? tr->model->period : 1.0;
  long steps = 0;
  qs_status st = integrate_columns(tr, 1, probe, 0.0, span, tr->opt.rtol, tr->opt.atol, &steps);
  free(probe);
  if (st != QS_OK)
    return st;
  if (steps < 1)
    steps = 1;
  if (!periodic) {
    f->n_grid = 1;
    f->h = span * STEPS_PER_INTERVAL / (double)steps;
  } else {
    f->n_grid = (steps + STEPS_PER_INTERVAL - 1) / STEPS_PER_INTERVAL;
    const size_t per = (size_t)n * (size_t)n * sizeof *f->prop;
    const long most = MAX_PROPAGATOR_BYTES / per > 0 ? (long)(MAX_PROPAGATOR_BYTES / per) : 1;
    if (f->n_grid > most)
      f->n_grid = most;
    f->h = span / (double)f->n_grid;
  }
  return QS_OK;
}

static qs_status build_propagators(const qs_traj *tr, floquet *f)
{
  const qs_index n = tr->dim;
  const size_t block = (size_t)n * (size_t)n;
  f->prop = malloc((size_t)f->n_grid * block * sizeof *f->prop);
  if (!f->prop)
    return QS_ERR_NOMEM;
  const double rtol = fmax(PROPAGATOR_TIGHTER * tr->opt.rtol, 1e-13);
  const double atol = fmax(PROPAGATOR_TIGHTER * tr->opt.atol, 1e-15);
  for (long k = 0; k < f->n_grid; k++) {
    double complex *u = f->prop + (size_t)k * block;
    memset(u, 0, block * sizeof *u);
    for (qs_index i = 0; i < n; i++)
      u[i + i * n] = 1.0;
    long steps = 0;
    qs_status st = integrate_columns(tr, n, u, (double)k * f->h, (double)(k + 1) * f->h,
                                     rtol, atol, &steps);
    if (st != QS_OK)
      return st;
  }
  return QS_OK;
}

/* y = P x (dense, column-major), in real arithmetic: no complex-multiply
 * special cases in the inner loop. */
static void dense_apply(qs_index n, const double complex *p, const double complex *x,
                        double complex *y)
{
  double *yr = (double *)y;
  memset(yr, 0, 2 * (size_t)n * sizeof *yr);
  for (qs_index j = 0; j < n; j++) {
    const double xr = creal(x[j]), xi = cimag(x[j]);
    const double *col = (const double *)(p + j * n);
    for (qs_index i = 0; i < n; i++) {
      const double pr = col[2 * i], pi = col[2 * i + 1];
      yr[2 * i] += pr * xr - pi * xi;
      yr[2 * i + 1] += pr * xi + pi * xr;
    }
  }
}

/* ---- the back-end ----------------------------------------------------- */

static void floquet_destroy(qs_traj *tr)
{
  floquet *f = tr->backend;
  if (!f)
    return;
  qs_traj_cvode_free(&f->cv);
  free(f->prop);
  free(f->saved);
  free(f);
  tr->backend = NULL;
  tr->psi = NULL;
}

static qs_status floquet_create(qs_traj *tr)
{
  floquet *f = calloc(1, sizeof *f);
  if (!f)
    return QS_ERR_NOMEM;
  tr->backend = f;
  if (tr->model->n_td > 0 && !(tr->model->period > 0.0))
    return QS_ERR_INVALID;
  f->saved = malloc((size_t)tr->dim * sizeof *f->saved);
  if (!f->saved)
    return QS_ERR_NOMEM;
  qs_status st = qs_traj_cvode_create(tr, &f->cv);
  if (st != QS_OK)
    return st;
  st = choose_grid(tr, f);
  if (st == QS_OK)
    st = build_propagators(tr, f);
  return st;
}

static void add_cvode_counters(floquet *f)
{
  qs_traj_stats s;
  qs_traj_cvode_counters(&f->cv, &s);
  f->done.steps += s.steps;
  f->done.rhs_evals += s.rhs_evals;
  f->done.root_evals += s.root_evals;
}

static qs_status floquet_restart(qs_traj *tr, double h_init)
{
  floquet *f = tr->backend;
  f->live = 0;
  f->h_init = h_init;
  memset(&f->done, 0, sizeof f->done);
  return QS_OK;
}

/* Grid index of t when t is on the grid, else -1. */
static long grid_index(const floquet *f, double t)
{
  const double k = round(t / f->h);
  return fabs(t / f->h - k) <= SNAP ? (long)k : -1;
}

/* Start CVODE at (t, psi) for the cut interval ending at the next grid
 * point. */
static qs_status start_segment(floquet *f, double t)
{
  const long k = grid_index(f, t);
  const long next = k >= 0 ? k + 1 : (long)floor(t / f->h) + 1;
  f->seg_end = (double)next * f->h;
  if (CVodeReInit(f->cv.cvode, t, f->cv.y) != CV_SUCCESS ||
      CVodeSetInitStep(f->cv.cvode, f->h_init) != CV_SUCCESS ||
      CVodeSetStopTime(f->cv.cvode, f->seg_end) != CV_SUCCESS)
    return QS_ERR_CVODE;
  f->h_init = 0.0;
  f->live = 1;
  return QS_OK;
}

/* One whole grid interval from grid point k by its propagator.  Returns 1
 * when ||psi||^2 fell below r in it (psi then restored to its start). */
static int grid_step(qs_traj *tr, floquet *f, long k)
{
  const qs_index n = tr->dim;
  const long phase = ((k % f->n_grid) + f->n_grid) % f->n_grid;
  memcpy(f->saved, tr->psi, (size_t)n * sizeof *f->saved);
  dense_apply(n, f->prop + (size_t)phase * (size_t)n * (size_t)n, f->saved, tr->psi);
  f->done.steps++;
  if (tr->roots_on && qs_traj_norm2_of(tr->psi, n) < tr->r) {
    memcpy(tr->psi, f->saved, (size_t)n * sizeof *f->saved);
    return 1;
  }
  return 0;
}

static qs_status floquet_advance(qs_traj *tr, double t_out, double *t_ret, int *root)
{
  floquet *f = tr->backend;
  double t = tr->t;
  const long k_out = grid_index(f, t_out);
  *root = 0;
  for (;;) {
    if (!f->live) {
      const long k = grid_index(f, t);
      const int whole = k >= 0 && (k_out > k || (k_out < 0 && t_out > (double)(k + 1) * f->h));
      if (whole && !grid_step(tr, f, k)) {
        t = (double)(k + 1) * f->h;
        if (k + 1 == k_out) {
          *t_ret = t_out;
          return QS_OK;
        }
        continue;
      }
      qs_status st = start_segment(f, t);
      if (st != QS_OK)
        return st;
    }
    const int to_end = t_out >= f->seg_end || grid_index(f, t_out) == grid_index(f, f->seg_end);
    const double target = to_end ? f->seg_end : t_out;
    sunrealtype reached = t;
    int flag;
    do
      flag = CVode(f->cv.cvode, target, f->cv.y, &reached, CV_NORMAL);
    while (flag == CV_ROOT_RETURN && !tr->roots_on);
    if (flag < 0)
      return QS_ERR_CVODE;
    if (flag == CV_ROOT_RETURN) {
      *t_ret = reached;
      *root = 1;
      return QS_OK;
    }
    if (to_end) {
      add_cvode_counters(f);
      f->live = 0;
      t = f->seg_end;
    }
    if (!to_end || grid_index(f, t_out) == grid_index(f, t)) {
      *t_ret = t_out;
      return QS_OK;
    }
  }
}

static double floquet_last_step(const qs_traj *tr)
{
  const floquet *f = tr->backend;
  sunrealtype h = 0.0;
  CVodeGetLastStep(f->cv.cvode, &h);
  return h;
}

static void floquet_counters(const qs_traj *tr, qs_traj_stats *s)
{
  const floquet *f = tr->backend;
  *s = f->done;
  if (f->live) {
    long nst = 0, nfe = 0, nge = 0;
    CVodeGetNumSteps(f->cv.cvode, &nst);
    CVodeGetNumRhsEvals(f->cv.cvode, &nfe);
    CVodeGetNumGEvals(f->cv.cvode, &nge);
    s->steps += nst;
    s->rhs_evals += nfe;
    s->root_evals += nge;
  }
}

const qs_traj_backend qs_traj_floquet = {"floquet", floquet_create, floquet_destroy,
                                         floquet_restart, floquet_advance,
                                         floquet_last_step, floquet_counters};
