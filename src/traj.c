/* Quantum-jump trajectories: what every integrator shares (the random
 * stream, the jump, the counters); see include/qsync/traj.h.  The
 * integrators are back-ends (traj_impl.h). */
#include "traj_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const qs_traj_backend *const backends[] = {
    [QS_INTEGRATOR_ADAMS] = &qs_traj_adams,
    [QS_INTEGRATOR_ERK] = &qs_traj_erk,
    [QS_INTEGRATOR_EXACT] = &qs_traj_exact,
    [QS_INTEGRATOR_FLOQUET] = &qs_traj_floquet,
};
enum { N_INTEGRATORS = sizeof backends / sizeof backends[0] };

qs_traj_options qs_traj_default_options(void)
{
  return (qs_traj_options){.integrator = QS_INTEGRATOR_ADAMS, .rtol = 1e-6, .atol = 1e-8,
                           .max_steps = 100000, .restart_step = 0.0};
}

const char *qs_integrator_name(qs_integrator integrator)
{
  if (integrator == QS_INTEGRATOR_AUTO)
    return "auto";
  if ((int)integrator < 0 || (int)integrator >= N_INTEGRATORS)
    return "?";
  return backends[integrator]->name;
}

/* max_i sum_j |H_ij|: bounds the fastest phase rotation of the state. */
static double norm_inf(const qs_op *h)
{
  double worst = 0.0;
  for (qs_index r = 0; r < h->dim; r++) {
    double row = 0.0;
    for (qs_index k = h->row_start[r]; k < h->row_start[r + 1]; k++)
      row += cabs(h->val[k]);
    worst = fmax(worst, row);
  }
  return worst;
}

qs_integrator qs_traj_choose_integrator(const qs_model *model, const qs_traj_options *opt,
                                        char *why, size_t n)
{
  qs_traj_options o = opt ? *opt : qs_traj_default_options();
  char scratch[2];
  if (!why || n == 0) {
    why = scratch;
    n = sizeof scratch;
  }
  snprintf(why, n, "chosen");
  if (o.integrator != QS_INTEGRATOR_AUTO || !model)
    return o.integrator;
  qs_index dim = model->space.total;
  if (model->n_td == 0) {
    double cond = NAN;
    if (dim <= QS_AUTO_EXACT_MAX_DIM &&
        qs_traj_exact_check(model, &o, &cond, NULL, NULL) == QS_OK) {
      snprintf(why, n, "no time dependence, dimension %ld <= %d, cond(V) = %.2g",
               (long)dim, QS_AUTO_EXACT_MAX_DIM, cond);
      return QS_INTEGRATOR_EXACT;
    }
    if (dim <= QS_AUTO_EXACT_MAX_DIM)
      snprintf(why, n, "no time dependence, but H_eff's eigenvectors are too "
               "ill-conditioned for exact (cond %.2g)", cond);
    else
      snprintf(why, n, "no time dependence, dimension %ld > %d", (long)dim,
               QS_AUTO_EXACT_MAX_DIM);
    return QS_INTEGRATOR_ERK;
  }
  qs_op *h = NULL;
  double phase = NAN;
  if (model->period > 0.0 && qs_model_effective_hamiltonian(model, &h) == QS_OK)
    phase = norm_inf(h) * model->period;
  qs_op_destroy(&h);
  if (phase > QS_AUTO_FLOQUET_MIN_PHASE) {
    snprintf(why, n, "periodic H(t), ||H_eff|| * period = %.3g > %g", phase,
             QS_AUTO_FLOQUET_MIN_PHASE);
    return QS_INTEGRATOR_FLOQUET;
  }
  if (model->period > 0.0)
    snprintf(why, n, "periodic H(t), ||H_eff|| * period = %.3g <= %g", phase,
             QS_AUTO_FLOQUET_MIN_PHASE);
  else
    snprintf(why, n, "H(t) without period");
  return QS_INTEGRATOR_ERK;
}

int qs_traj_integrator_supported(qs_integrator integrator, const qs_model *model,
                                 char *why, size_t n)
{
  const char *reason = NULL;
  if (integrator == QS_INTEGRATOR_AUTO)
    return 1; /* it chooses among the supported ones */
  if ((int)integrator < 0 || (int)integrator >= N_INTEGRATORS)
    reason = "unknown integrator";
  else if (integrator == QS_INTEGRATOR_EXACT && model && model->n_td > 0)
    reason = "integrator = exact needs a Hamiltonian without time dependence "
             "(this model has driven terms): use adams, erk or floquet";
  else if (integrator == QS_INTEGRATOR_FLOQUET && model && model->n_td > 0 &&
           !(model->period > 0.0))
    reason = "integrator = floquet needs a periodic Hamiltonian (this model's "
             "time-dependent terms have no common period): use adams or erk";
  if (reason && why && n > 0)
    snprintf(why, n, "%s", reason);
  return reason == NULL;
}

double qs_traj_norm2_of(const double complex *psi, qs_index n)
{
  double s = 0.0;
  for (qs_index i = 0; i < n; i++)
    s += creal(psi[i]) * creal(psi[i]) + cimag(psi[i]) * cimag(psi[i]);
  return s;
}

void qs_traj_derivative(const qs_traj *tr, double t, const double complex *psi,
                        double complex *dpsi)
{
  /* -i is folded into the operators: multiplying by -i only swaps and
   * negates parts, so this gives the bits of -i (H_eff psi + sum f H psi). */
  qs_op_apply(tr->minus_i_H_eff, psi, dpsi);
  const qs_model *m = tr->model;
  for (int k = 0; k < m->n_td; k++)
    qs_op_apply_add(-I * m->f_td[k](t, m->f_data), m->H_td[k], psi, dpsi);
}

void qs_traj_destroy(qs_traj **traj)
{
  if (!traj || !*traj)
    return;
  qs_traj *tr = *traj;
  if (tr->integrator)
    tr->integrator->destroy(tr);
  qs_op_destroy(&tr->H_eff);
  qs_op_destroy(&tr->minus_i_H_eff);
  free(tr->work);
  free(tr->weight);
  free(tr);
  *traj = NULL;
}

static int options_valid(const qs_traj_options *o)
{
  return (int)o->integrator >= 0 && (int)o->integrator < N_INTEGRATORS &&
         o->rtol > 0.0 && o->rtol <= 0.1 && o->atol > 0.0 && o->atol <= 0.1 &&
         o->max_steps > 0 && o->restart_step >= 0.0 && o->restart_step <= 1.0;
}

qs_status qs_traj_create(const qs_model *model, const qs_traj_options *opt,
                         qs_traj **out)
{
  if (!model || !out)
    return QS_ERR_INVALID;
  *out = NULL;
  qs_traj_options o = opt ? *opt : qs_traj_default_options();
  /* (a bad rtol makes exact's check fail: erk, then refused below) */
  o.integrator = qs_traj_choose_integrator(model, &o, NULL, 0);
  if (!options_valid(&o) || !qs_traj_integrator_supported(o.integrator, model, NULL, 0))
    return QS_ERR_INVALID;
  qs_traj *tr = calloc(1, sizeof *tr);
  if (!tr)
    return QS_ERR_NOMEM;
  tr->model = model;
  tr->opt = o;
  tr->dim = model->space.total;
  tr->roots_on = model->n_c > 0;
  qs_status st = qs_model_effective_hamiltonian(model, &tr->H_eff);
  if (st == QS_OK)
    st = qs_op_scale(-I, tr->H_eff, &tr->minus_i_H_eff);
  if (st == QS_OK) /* the right-hand side's product, by diagonal where it fits */
    st = qs_op_prepare_banded(tr->minus_i_H_eff);
  if (st != QS_OK)
    goto fail;
  st = QS_ERR_NOMEM;
  tr->work = malloc((size_t)tr->dim * sizeof *tr->work);
  tr->weight = malloc((size_t)(model->n_c > 0 ? model->n_c : 1) * sizeof *tr->weight);
  if (!tr->work || !tr->weight)
    goto fail;
  tr->integrator = backends[o.integrator];
  st = tr->integrator->create(tr);
  if (st != QS_OK)
    goto fail;
  *out = tr;
  return QS_OK;
fail:
  qs_traj_destroy(&tr);
  return st;
}

/* Restart the back-end at the current time from tr->psi; its counters
 * start again from zero, so they are added to tr->base first. */
static qs_status restart(qs_traj *tr, double h_init)
{
  qs_traj_stats s;
  tr->integrator->counters(tr, &s);
  tr->base.steps += s.steps;
  tr->base.rhs_evals += s.rhs_evals;
  tr->base.root_evals += s.root_evals;
  return tr->integrator->restart(tr, h_init);
}

qs_status qs_traj_start(qs_traj *tr, const double complex *psi0, double t0,
                        uint64_t seed, uint64_t index)
{
  if (!tr || !isfinite(t0))
    return QS_ERR_INVALID;
  double complex *psi = tr->psi;
  memcpy(psi, psi0 ? psi0 : tr->model->psi0, (size_t)tr->dim * sizeof *psi);
  double n = sqrt(qs_traj_norm2_of(psi, tr->dim));
  if (!(n > 0.0) || !isfinite(n))
    return QS_ERR_INVALID;
  for (qs_index i = 0; i < tr->dim; i++)
    psi[i] /= n;
  qs_rng_seed(&tr->rng, seed, index);
  tr->r = qs_rng_uniform(&tr->rng);
  tr->t = t0;
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
  double complex *psi = tr->psi;
  double total = 0.0;
  for (int j = 0; j < m->n_c; j++) {
    qs_op_apply(m->c[j], psi, tr->work);
    tr->weight[j] = qs_traj_norm2_of(tr->work, tr->dim);
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
  double n = sqrt(qs_traj_norm2_of(tr->work, tr->dim));
  if (!(n > 0.0))
    return QS_ERR_NUMERIC;
  for (qs_index i = 0; i < tr->dim; i++)
    psi[i] = tr->work[i] / n;
  tr->r = qs_rng_uniform(&tr->rng);
  tr->jumps++;
  tr->last_jump_time = tr->t;
  tr->last_jump_channel = chosen;
  double h_last = tr->opt.restart_step > 0.0 ? tr->integrator->last_step(tr) : 0.0;
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
  double t_ret = tr->t;
  int root = 0;
  qs_status st = tr->integrator->advance(tr, t_out, &t_ret, &root);
  if (st != QS_OK)
    return st;
  tr->t = t_ret;
  if (t_reached)
    *t_reached = t_ret;
  if (!root)
    return QS_OK;
  st = jump(tr);
  return st == QS_OK ? QS_JUMPED : st;
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
  double n = sqrt(qs_traj_norm2_of(tr->psi, tr->dim));
  for (qs_index i = 0; i < tr->dim; i++)
    psi[i] = tr->psi[i] / n;
}

double qs_traj_norm2(const qs_traj *tr)
{
  return qs_traj_norm2_of(tr->psi, tr->dim);
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
  qs_traj_stats s;
  tr->integrator->counters(tr, &s);
  stats->steps = tr->base.steps + s.steps;
  stats->rhs_evals = tr->base.rhs_evals + s.rhs_evals;
  stats->root_evals = tr->base.root_evals + s.root_evals;
  stats->jumps = tr->jumps;
}

void qs_traj_set_jumps_enabled(qs_traj *tr, int enabled)
{
  tr->roots_on = enabled != 0 && tr->model->n_c > 0;
}
