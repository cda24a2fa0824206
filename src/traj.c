/* Quantum-jump trajectories with CVODE; see include/qsync/traj.h. */
#include "qsync/traj.h"
#include "nvector_qs_impl.h"

#include <cvode/cvode.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_context.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

struct qs_traj {
  const qs_model *model;
  qs_traj_options opt;
  qs_index dim;
  qs_op *H_eff;            /* H0 - (i/2) sum c^dag c */
  SUNContext ctx;
  void *cvode;
  N_Vector y;              /* 2*dim reals = dim complex, unnormalized psi */
  SUNNonlinearSolver nls;
  double complex *work;    /* dim entries, scratch for c_j psi */
  double *weight;          /* n_c entries: ||c_j psi||^2 at a jump */
  qs_rng rng;
  double r;                /* jump threshold for ||psi||^2 */
  double t;
  int jumps_enabled;
  qs_traj_stats base;      /* CVODE counters at the last (re)start */
  long jumps;
  double last_jump_time;   /* time and channel of the last jump (channel -1: none) */
  int last_jump_channel;
};

qs_traj_options qs_traj_default_options(void)
{
  return (qs_traj_options){.rtol = 1e-6, .atol = 1e-8, .max_steps = 100000,
                           .restart_step = 0.0};
}

static double complex *psi_of(N_Vector v)
{
  /* C11 6.2.5: double complex has the layout of double[2]. */
  return (double complex *)N_VGetArrayPointer(v);
}

static double norm2(const double complex *psi, qs_index dim)
{
  double s = 0.0;
  for (qs_index i = 0; i < dim; i++)
    s += creal(psi[i]) * creal(psi[i]) + cimag(psi[i]) * cimag(psi[i]);
  return s;
}

/* d psi/dt = -i H_eff(t) psi */
static int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data)
{
  qs_traj *tr = data;
  const double complex *psi = psi_of(y);
  double complex *dpsi = psi_of(ydot);
  qs_op_apply(tr->H_eff, psi, dpsi);
  const qs_model *m = tr->model;
  for (int k = 0; k < m->n_td; k++)
    qs_op_apply_add(m->f_td[k](t, m->f_data), m->H_td[k], psi, dpsi);
  for (qs_index i = 0; i < tr->dim; i++)
    dpsi[i] *= -I;
  return 0;
}

/* The jump happens where ||psi||^2 - r changes sign. */
static int jump_condition(sunrealtype t, N_Vector y, sunrealtype *g, void *data)
{
  (void)t;
  qs_traj *tr = data;
  g[0] = norm2(psi_of(y), tr->dim) - tr->r;
  return 0;
}


void qs_traj_destroy(qs_traj **traj)
{
  if (!traj || !*traj)
    return;
  qs_traj *tr = *traj;
  if (tr->cvode)
    CVodeFree(&tr->cvode);
  if (tr->nls)
    SUNNonlinSolFree(tr->nls);
  if (tr->y)
    N_VDestroy(tr->y);
  if (tr->ctx)
    SUNContext_Free(&tr->ctx);
  qs_op_destroy(&tr->H_eff);
  free(tr->work);
  free(tr->weight);
  free(tr);
  *traj = NULL;
}

static int options_valid(const qs_traj_options *o)
{
  return o->rtol > 0.0 && o->rtol <= 0.1 && o->atol > 0.0 && o->atol <= 0.1 &&
         o->max_steps > 0 && o->restart_step >= 0.0 && o->restart_step <= 1.0;
}

qs_status qs_traj_create(const qs_model *model, const qs_traj_options *opt,
                         qs_traj **out)
{
  if (!model || !out)
    return QS_ERR_INVALID;
  *out = NULL;
  qs_traj_options o = opt ? *opt : qs_traj_default_options();
  if (!options_valid(&o))
    return QS_ERR_INVALID;
  qs_traj *tr = calloc(1, sizeof *tr);
  if (!tr)
    return QS_ERR_NOMEM;
  tr->model = model;
  tr->opt = o;
  tr->dim = model->space.total;
  tr->jumps_enabled = 1;
  qs_status st = qs_model_effective_hamiltonian(model, &tr->H_eff);
  if (st != QS_OK)
    goto fail;
  st = QS_ERR_NOMEM;
  tr->work = malloc((size_t)tr->dim * sizeof *tr->work);
  tr->weight = malloc((size_t)(model->n_c > 0 ? model->n_c : 1) * sizeof *tr->weight);
  if (!tr->work || !tr->weight)
    goto fail;
  st = QS_ERR_CVODE;
  if (SUNContext_Create(NULL, &tr->ctx) != 0)
    goto fail;
  tr->y = qs_nvector_new(2 * tr->dim, tr->ctx);
  if (!tr->y)
    goto fail;
  memcpy(psi_of(tr->y), model->psi0, (size_t)tr->dim * sizeof *model->psi0);
  tr->cvode = CVodeCreate(CV_ADAMS, tr->ctx);
  if (!tr->cvode || CVodeInit(tr->cvode, rhs, 0.0, tr->y) != CV_SUCCESS ||
      CVodeSStolerances(tr->cvode, o.rtol, o.atol) != CV_SUCCESS ||
      CVodeSetUserData(tr->cvode, tr) != CV_SUCCESS ||
      CVodeSetMaxNumSteps(tr->cvode, o.max_steps) != CV_SUCCESS ||
      CVodeRootInit(tr->cvode, 1, jump_condition) != CV_SUCCESS)
    goto fail;
  /* Only a downward crossing of ||psi||^2 = r is a jump. */
  int direction = -1;
  if (CVodeSetRootDirection(tr->cvode, &direction) != CV_SUCCESS)
    goto fail;
  /* Adams is non-stiff: fixed-point iteration needs no linear solver. */
  tr->nls = SUNNonlinSol_FixedPoint(tr->y, 0, tr->ctx);
  if (!tr->nls || CVodeSetNonlinearSolver(tr->cvode, tr->nls) != CV_SUCCESS)
    goto fail;
  /* The jump condition is checked many times per step; CVODE warns about
   * roots at the initial time of a restart, which cannot happen here
   * because ||psi||^2 = 1 > r there. */
  CVodeSetNoInactiveRootWarn(tr->cvode);
  *out = tr;
  return QS_OK;
fail:
  qs_traj_destroy(&tr);
  return st;
}

static void snapshot_counters(qs_traj *tr)
{
  long nst = 0, nfe = 0, nge = 0;
  CVodeGetNumSteps(tr->cvode, &nst);
  CVodeGetNumRhsEvals(tr->cvode, &nfe);
  CVodeGetNumGEvals(tr->cvode, &nge);
  tr->base.steps += nst;
  tr->base.rhs_evals += nfe;
  tr->base.root_evals += nge;
}

/* Restart CVODE at the current time from the state in tr->y.  CVodeReInit
 * zeroes CVODE's counters, so they are added to tr->base first. */
static qs_status restart(qs_traj *tr, double h_init)
{
  snapshot_counters(tr);
  if (CVodeReInit(tr->cvode, tr->t, tr->y) != CV_SUCCESS)
    return QS_ERR_CVODE;
  if (CVodeSetInitStep(tr->cvode, h_init) != CV_SUCCESS)
    return QS_ERR_CVODE;
  return QS_OK;
}

qs_status qs_traj_start(qs_traj *tr, const double complex *psi0, double t0,
                        uint64_t seed, uint64_t index)
{
  if (!tr || !isfinite(t0))
    return QS_ERR_INVALID;
  double complex *psi = psi_of(tr->y);
  memcpy(psi, psi0 ? psi0 : tr->model->psi0, (size_t)tr->dim * sizeof *psi);
  double n = sqrt(norm2(psi, tr->dim));
  if (!(n > 0.0) || !isfinite(n))
    return QS_ERR_INVALID;
  for (qs_index i = 0; i < tr->dim; i++)
    psi[i] /= n;
  qs_rng_seed(&tr->rng, seed, index);
  tr->r = qs_rng_uniform(&tr->rng);
  tr->t = t0;
  memset(&tr->base, 0, sizeof tr->base);
  tr->jumps = 0;
  tr->last_jump_time = NAN;
  tr->last_jump_channel = -1;
  /* Counters of the previous trajectory are discarded: restart() adds
   * them to base, which is zeroed again after it. */
  qs_status st = restart(tr, 0.0);
  memset(&tr->base, 0, sizeof tr->base);
  return st;
}

/* Apply a jump at the current time: channel j with probability
 * ||c_j psi||^2 / sum_k ||c_k psi||^2. */
static qs_status jump(qs_traj *tr)
{
  const qs_model *m = tr->model;
  double complex *psi = psi_of(tr->y);
  double total = 0.0;
  for (int j = 0; j < m->n_c; j++) {
    qs_op_apply(m->c[j], psi, tr->work);
    tr->weight[j] = norm2(tr->work, tr->dim);
    total += tr->weight[j];
  }
  double target = qs_rng_uniform(&tr->rng) * total;
  int chosen = m->n_c - 1;
  double cumulative = 0.0;
  for (int j = 0; j < m->n_c; j++) {
    cumulative += tr->weight[j];
    if (tr->weight[j] > 0.0 && target <= cumulative) {
      chosen = j;
      break;
    }
  }
  qs_op_apply(m->c[chosen], psi, tr->work);
  double n = sqrt(norm2(tr->work, tr->dim));
  if (!(n > 0.0))
    return QS_ERR_NUMERIC;
  for (qs_index i = 0; i < tr->dim; i++)
    psi[i] = tr->work[i] / n;
  tr->r = qs_rng_uniform(&tr->rng);
  tr->jumps++;
  tr->last_jump_time = tr->t;
  tr->last_jump_channel = chosen;
  double h_last = 0.0;
  if (tr->opt.restart_step > 0.0)
    CVodeGetLastStep(tr->cvode, &h_last);
  return restart(tr, tr->opt.restart_step * h_last);
}

qs_status qs_traj_step(qs_traj *tr, double t_out, double *t_reached)
{
  if (!tr || !(t_out >= tr->t))
    return QS_ERR_INVALID;
  if (t_out == tr->t) {
    if (t_reached)
      *t_reached = t_out;
    return QS_OK;
  }
  sunrealtype t_ret = tr->t;
  int flag = CVode(tr->cvode, t_out, tr->y, &t_ret, CV_NORMAL);
  if (flag == CV_ROOT_RETURN && tr->jumps_enabled && tr->model->n_c > 0) {
    tr->t = t_ret;
    qs_status st = jump(tr);
    if (t_reached)
      *t_reached = t_ret;
    return st == QS_OK ? QS_JUMPED : st;
  }
  if (flag == CV_ROOT_RETURN) {
    /* Jumps disabled: keep going without a restart. */
    tr->t = t_ret;
    return qs_traj_step(tr, t_out, t_reached);
  }
  if (flag < 0)
    return QS_ERR_CVODE;
  tr->t = t_ret;
  if (t_reached)
    *t_reached = t_ret;
  return QS_OK;
}

qs_status qs_traj_evolve_to(qs_traj *tr, double t_out)
{
  qs_status st;
  do {
    st = qs_traj_step(tr, t_out, NULL);
  } while (st == QS_JUMPED);
  return st;
}

double qs_traj_time(const qs_traj *tr)
{
  return tr->t;
}

void qs_traj_state(const qs_traj *tr, double complex *psi)
{
  const double complex *y = psi_of(tr->y);
  double n = sqrt(norm2(y, tr->dim));
  for (qs_index i = 0; i < tr->dim; i++)
    psi[i] = y[i] / n;
}

double qs_traj_norm2(const qs_traj *tr)
{
  return norm2(psi_of(tr->y), tr->dim);
}

void qs_traj_last_jump(const qs_traj *tr, double *t, int *channel)
{
  if (t)
    *t = tr->last_jump_time;
  if (channel)
    *channel = tr->last_jump_channel;
}

void qs_traj_get_stats(const qs_traj *tr, qs_traj_stats *stats)
{
  long nst = 0, nfe = 0, nge = 0;
  CVodeGetNumSteps(tr->cvode, &nst);
  CVodeGetNumRhsEvals(tr->cvode, &nfe);
  CVodeGetNumGEvals(tr->cvode, &nge);
  stats->steps = tr->base.steps + nst;
  stats->rhs_evals = tr->base.rhs_evals + nfe;
  stats->root_evals = tr->base.root_evals + nge;
  stats->jumps = tr->jumps;
}

void qs_traj_set_jumps_enabled(qs_traj *tr, int enabled)
{
  tr->jumps_enabled = enabled != 0;
}
