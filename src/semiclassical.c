/* The semiclassical variational steady state: the closed-form functional,
 * its gradient, the model reader and the multistart minimisation; see
 * include/qsync/semiclassical.h and docs/methods.md. */
#include "qsync/semiclassical.h"

#include "message_impl.h"
#include "model_impl.h"
#include "qsync/rng.h"

#include <lapacke.h>
#include <math.h>
#include <nlopt.h>
#include <stdlib.h>
#include <string.h>

/* ---- the functional ---------------------------------------------------
 *
 * Displacing a = alpha + b turns the trial state into |0><0|_b (x) R,
 * R = rho_1 (x) ... (x) rho_N, and L(rho) into
 *   |0><0| (x) sum_l L_l(R) + |1><0| (x) X + |0><1| (x) X^dag,
 *   X = -i (D R + sum_l conj(g_l) s-_l R),   D = (omega - i gamma/2) alpha + f,
 * where L_l is spin l's own Liouvillian with the field h_l = (eps_l/2) sz
 * + g_l alpha s+ + h.c., i.e. the Bloch equation db/dt = k_l = h_l x b_l
 * + (-gs bx/2, -gs by/2, -gs (1 + bz)) with h_l = (2 Re g_l alpha,
 * -2 Im g_l alpha, eps_l).  With u_l = Tr rho_l^2 = (1 + |b_l|^2)/2 and
 * P = prod u_l the Hilbert-Schmidt norms are
 *   S = P [ sum_l (q_l/u_l - c_l^2) + C^2 + 2 |D + Z|^2 + 2 sum_l |g_l|^2 v_l ],
 *   q_l = |k_l|^2/2,  c_l = (k_l . b_l)/(2 u_l),  C = sum_l c_l,
 *   Z = sum_l conj(g_l) t_l / u_l,  t_l = Tr s- rho_l^2 = (bx - i by)/2,
 *   v_l = Tr[s+ s- rho_l^2]/u_l - |t_l|^2/u_l^2 = 1/2 + bz/(2 u_l) - |t_l|^2/u_l^2.
 * (docs/methods.md derives it; u_l >= 1/2 so the divisions are safe.) */

typedef struct {
  double u, h[3], k[3], q, c, v;
  double complex t_hat; /* t_l / u_l */
} spin_terms;

static void cross(const double a[3], const double b[3], double out[3])
{
  out[0] = a[1] * b[2] - a[2] * b[1];
  out[1] = a[2] * b[0] - a[0] * b[2];
  out[2] = a[0] * b[1] - a[1] * b[0];
}

static double dot(const double a[3], const double b[3])
{
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static void spin_terms_of(const qs_semiclassical_problem *p, int l, double complex alpha,
                          const double b[3], spin_terms *st)
{
  double gs = p->spin_loss[l];
  double complex ga = p->coupling[l] * alpha;
  st->u = 0.5 * (1.0 + dot(b, b));
  st->h[0] = 2.0 * creal(ga);
  st->h[1] = -2.0 * cimag(ga);
  st->h[2] = p->spin_frequency[l];
  cross(st->h, b, st->k);
  st->k[0] -= 0.5 * gs * b[0];
  st->k[1] -= 0.5 * gs * b[1];
  st->k[2] -= gs * (1.0 + b[2]);
  st->q = 0.5 * dot(st->k, st->k);
  st->c = 0.5 * dot(st->k, b) / st->u;
  double t2 = 0.25 * (b[0] * b[0] + b[1] * b[1]);
  st->t_hat = 0.5 * (b[0] - I * b[1]) / st->u;
  st->v = 0.5 + 0.5 * b[2] / st->u - t2 / (st->u * st->u);
}

/* dE/db_l for the bracket E of S = P E (P, E, C, W of the whole point). */
static void spin_gradient(const qs_semiclassical_problem *p, int l, const double b[3],
                          const spin_terms *st, double C, double complex W, double out[3])
{
  double gs = p->spin_loss[l], u = st->u;
  double complex g = p->coupling[l];
  double G[3]; /* dE/dk_l */
  for (int i = 0; i < 3; i++)
    G[i] = st->k[i] / u + (C - st->c) * b[i] / u;
  cross(G, st->h, out); /* through k = h x b */
  out[0] -= 0.5 * gs * G[0];
  out[1] -= 0.5 * gs * G[1];
  out[2] -= gs * G[2];
  double t2 = 0.25 * (b[0] * b[0] + b[1] * b[1]);
  const double complex e[3] = {0.5, -0.5 * I, 0.0}; /* dt/db */
  for (int j = 0; j < 3; j++) {
    double dc = st->k[j] / (2.0 * u) - st->c * b[j] / u;
    double complex dt_hat = e[j] / u - st->t_hat * b[j] / u;
    double dv = (j == 2 ? 0.5 / u : 0.0) - 0.5 * b[2] * b[j] / (u * u)
                - (j < 2 ? 0.5 * b[j] : 0.0) / (u * u) + 2.0 * t2 * b[j] / (u * u * u);
    out[j] += -st->q * b[j] / (u * u) + 2.0 * (C - st->c) * dc
              + 4.0 * creal(conj(W) * conj(g) * dt_hat)
              + 2.0 * creal(g * conj(g)) * dv;
  }
}

double qs_semiclassical_functional(const qs_semiclassical_problem *p,
                                   const qs_semiclassical_point *x,
                                   qs_semiclassical_point *grad)
{
  const int n = p->n_spins;
  spin_terms st[QS_SEMICLASSICAL_MAX_SPINS];
  const double complex kappa = p->cavity_frequency - 0.5 * I * p->cavity_loss;
  double complex W = kappa * x->alpha + p->drive; /* D + Z */
  double P = 1.0, C = 0.0, E = 0.0;
  for (int l = 0; l < n; l++) {
    spin_terms_of(p, l, x->alpha, x->bloch[l], &st[l]);
    P *= st[l].u;
    C += st[l].c;
    W += conj(p->coupling[l]) * st[l].t_hat;
    double complex g = p->coupling[l];
    E += st[l].q / st[l].u - st[l].c * st[l].c + 2.0 * creal(g * conj(g)) * st[l].v;
  }
  E += C * C + 2.0 * creal(W * conj(W));
  if (!grad)
    return P * E;
  /* alpha enters through D (dW = kappa d alpha) and the fields h_l. */
  double dax = 4.0 * creal(conj(W) * kappa), day = 4.0 * creal(conj(W) * I * kappa);
  for (int l = 0; l < n; l++) {
    const double *b = x->bloch[l];
    double complex g = p->coupling[l];
    double G[3], dh[3], dk[3];
    for (int i = 0; i < 3; i++)
      G[i] = st[l].k[i] / st[l].u + (C - st[l].c) * b[i] / st[l].u;
    dh[0] = 2.0 * creal(g), dh[1] = -2.0 * cimag(g), dh[2] = 0.0;
    cross(dh, b, dk);
    dax += dot(G, dk);
    dh[0] = -2.0 * cimag(g), dh[1] = -2.0 * creal(g);
    cross(dh, b, dk);
    day += dot(G, dk);
    double db[3];
    spin_gradient(p, l, b, &st[l], C, W, db);
    for (int i = 0; i < 3; i++)
      grad->bloch[l][i] = P * (b[i] / st[l].u * E + db[i]);
  }
  grad->alpha = P * dax + I * P * day;
  return P * E;
}

void qs_semiclassical_observables_of(const qs_semiclassical_problem *problem,
                                     const qs_semiclassical_point *point,
                                     qs_semiclassical_observables *out)
{
  memset(out, 0, sizeof *out);
  out->a = point->alpha;
  out->n = creal(point->alpha * conj(point->alpha));
  for (int l = 0; l < problem->n_spins; l++)
    for (int i = 0; i < 3; i++) {
      out->spin[l][i] = 0.5 * point->bloch[l][i];
      out->total[i] += out->spin[l][i];
    }
}

double qs_semiclassical_error_bound(double epsilon, double rate)
{
  return (rate > 0.0 && isfinite(rate)) ? epsilon / rate : NAN;
}

/* ---- reading the coefficients from a model ----------------------------- */

typedef struct {
  int boson;                               /* subsystem index of the mode */
  int spin[QS_SEMICLASSICAL_MAX_SPINS];    /* subsystem index of spin l */
  qs_index stride[QS_MAX_SUBSYSTEMS];
} model_layout;

static qs_status layout_of(const qs_model *m, model_layout *lay, int *n_spins, char *msg,
                           size_t msglen)
{
  const qs_space *sp = &m->space;
  int nb = qs_model_count_role(m, QS_ROLE_BOSON), ns = qs_model_count_role(m, QS_ROLE_SPIN);
  if (nb != 1 || ns + 1 != sp->n_sub || ns > QS_SEMICLASSICAL_MAX_SPINS) {
    qs_set_message(msg, msglen,
                   "semiclassical: model %s has %d bosonic and %d spin subsystems of %d; "
                   "the trial state needs one boson and spins 1/2 only",
                   m->type->name, nb, ns, sp->n_sub);
    return QS_ERR_INVALID;
  }
  lay->boson = qs_model_find_role(m, QS_ROLE_BOSON, 0);
  if (sp->dims[lay->boson] < 2) {
    qs_set_message(msg, msglen, "semiclassical: the cavity needs at least 2 levels");
    return QS_ERR_INVALID;
  }
  for (int l = 0; l < ns; l++) {
    lay->spin[l] = qs_model_find_role(m, QS_ROLE_SPIN, l);
    if (sp->dims[lay->spin[l]] != 2) {
      qs_set_message(msg, msglen, "semiclassical: spin subsystem %d has %lld levels, not 2",
                     lay->spin[l], (long long)sp->dims[lay->spin[l]]);
      return QS_ERR_INVALID;
    }
  }
  qs_index s = 1;
  for (int k = sp->n_sub - 1; k >= 0; k--) {
    lay->stride[k] = s;
    s *= sp->dims[k];
  }
  *n_spins = ns;
  return QS_OK;
}

/* Basis index of n photons with every spin down except spin `up` (-1: none). */
static qs_index basis_index(const qs_model *m, const model_layout *lay, int n_spins,
                            qs_index n, int up)
{
  qs_index idx = n * lay->stride[lay->boson];
  for (int l = 0; l < n_spins; l++)
    if (l != up)
      idx += lay->stride[lay->spin[l]]; /* index 1 = down */
  (void)m;
  return idx;
}

static double complex op_element(const qs_op *op, qs_index i, qs_index j)
{
  for (qs_index k = op->row_start[i]; k < op->row_start[i + 1]; k++)
    if (op->col[k] == j)
      return op->val[k];
  return 0.0;
}

static double op_max_abs(const qs_op *op)
{
  double mx = 0.0;
  for (qs_index k = 0; k < op->nnz; k++)
    mx = fmax(mx, cabs(op->val[k]));
  return mx;
}

/* max |x - y| over the entries, relative to 1 + max |x|; -1 on no memory. */
static double op_deviation(const qs_op *x, const qs_op *y)
{
  qs_op *diff = NULL;
  if (qs_op_add(1.0, x, -1.0, y, &diff) != QS_OK)
    return -1.0;
  double d = op_max_abs(diff) / (1.0 + op_max_abs(x));
  qs_op_destroy(&diff);
  return d;
}

typedef struct {
  qs_op *id, *a, *adag, *n, *sz[QS_SEMICLASSICAL_MAX_SPINS], *sp[QS_SEMICLASSICAL_MAX_SPINS],
      *sm[QS_SEMICLASSICAL_MAX_SPINS];
  int n_spins;
} model_ops;

static void model_ops_free(model_ops *o)
{
  qs_op_destroy(&o->id);
  qs_op_destroy(&o->a);
  qs_op_destroy(&o->adag);
  qs_op_destroy(&o->n);
  for (int l = 0; l < o->n_spins; l++) {
    qs_op_destroy(&o->sz[l]);
    qs_op_destroy(&o->sp[l]);
    qs_op_destroy(&o->sm[l]);
  }
}

static qs_status model_ops_build(const qs_model *m, const model_layout *lay, int n_spins,
                                 model_ops *o)
{
  memset(o, 0, sizeof *o);
  o->n_spins = n_spins;
  qs_op *local = NULL;
  qs_status st = qs_op_destroy_boson(m->space.dims[lay->boson], &local);
  if (st == QS_OK)
    st = qs_op_embed(&m->space, lay->boson, local, &o->a);
  qs_op_destroy(&local);
  if (st == QS_OK)
    st = qs_op_adjoint(o->a, &o->adag);
  if (st == QS_OK)
    st = qs_op_mul(o->adag, o->a, &o->n);
  if (st == QS_OK)
    st = qs_op_identity(m->space.total, &o->id);
  for (int l = 0; l < n_spins && st == QS_OK; l++) {
    st = qs_model_spin_op(&m->space, 1, lay->spin[l], QS_SPIN_Z, &o->sz[l]);
    if (st == QS_OK)
      st = qs_model_spin_op(&m->space, 1, lay->spin[l], QS_SPIN_PLUS, &o->sp[l]);
    if (st == QS_OK)
      st = qs_model_spin_op(&m->space, 1, lay->spin[l], QS_SPIN_MINUS, &o->sm[l]);
  }
  return st;
}

/* H rebuilt from the coefficients read off (constant e0 included). */
static qs_status rebuild_hamiltonian(const qs_semiclassical_problem *p, const model_ops *o,
                                     double e0, qs_op **out)
{
  qs_status st = qs_op_accumulate(out, p->cavity_frequency, o->n);
  if (st == QS_OK)
    st = qs_op_accumulate(out, e0, o->id);
  if (st == QS_OK)
    st = qs_op_accumulate(out, p->drive, o->adag);
  if (st == QS_OK)
    st = qs_op_accumulate(out, conj(p->drive), o->a);
  for (int l = 0; l < p->n_spins && st == QS_OK; l++) {
    qs_op *hop = NULL, *hop_h = NULL;
    st = qs_op_accumulate(out, p->spin_frequency[l], o->sz[l]); /* sz/2 = S_z */
    if (st == QS_OK)
      st = qs_op_mul(o->a, o->sp[l], &hop);
    if (st == QS_OK)
      st = qs_op_mul(o->adag, o->sm[l], &hop_h);
    if (st == QS_OK)
      st = qs_op_accumulate(out, p->coupling[l], hop);
    if (st == QS_OK)
      st = qs_op_accumulate(out, conj(p->coupling[l]), hop_h);
    qs_op_destroy(&hop);
    qs_op_destroy(&hop_h);
  }
  return st;
}

static const double FORM_TOL = 1e-12;

static qs_status read_hamiltonian(const qs_model *m, const model_layout *lay,
                                  const model_ops *o, qs_semiclassical_problem *p, char *msg,
                                  size_t msglen)
{
  const int ns = p->n_spins;
  qs_index g0 = basis_index(m, lay, ns, 0, -1), g1 = basis_index(m, lay, ns, 1, -1);
  double h00 = creal(op_element(m->H, g0, g0));
  p->cavity_frequency = creal(op_element(m->H, g1, g1)) - h00;
  p->drive = op_element(m->H, g1, g0);
  double e0 = h00;
  for (int l = 0; l < ns; l++) {
    qs_index up = basis_index(m, lay, ns, 0, l);
    p->spin_frequency[l] = creal(op_element(m->H, up, up)) - h00;
    p->coupling[l] = op_element(m->H, up, g1);
    e0 += 0.5 * p->spin_frequency[l];
  }
  qs_op *rebuilt = NULL;
  qs_status st = rebuild_hamiltonian(p, o, e0, &rebuilt);
  double dev = st == QS_OK ? op_deviation(m->H, rebuilt) : -1.0;
  qs_op_destroy(&rebuilt);
  if (st != QS_OK || dev < 0.0)
    return st != QS_OK ? st : QS_ERR_NOMEM;
  if (dev > FORM_TOL) {
    qs_set_message(msg, msglen,
                   "semiclassical: the Hamiltonian of model %s is not omega a^dag a + "
                   "sum_l eps_l sz_l/2 + sum_l (g_l a s+_l + h.c.) + f a^dag + h.c. "
                   "(relative deviation %.3g; a displaced cavity drives the qubits: use "
                   "the undisplaced model)",
                   m->type->name, dev);
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

/* Collapse operator k is kappa a or kappa s-_l: add |kappa|^2 to its rate. */
static qs_status read_collapse(const qs_model *m, const model_layout *lay, const model_ops *o,
                               int k, qs_semiclassical_problem *p, char *msg, size_t msglen)
{
  const int ns = p->n_spins;
  const qs_op *c = m->c[k];
  if (c->nnz == 0)
    return QS_OK;
  qs_index g0 = basis_index(m, lay, ns, 0, -1), g1 = basis_index(m, lay, ns, 1, -1);
  for (int target = -1; target < ns; target++) {
    const qs_op *base = target < 0 ? o->a : o->sm[target];
    double complex kappa =
        target < 0 ? op_element(c, g0, g1) : op_element(c, g0, basis_index(m, lay, ns, 0, target));
    qs_op *scaled = NULL;
    qs_status st = qs_op_scale(kappa, base, &scaled);
    double dev = st == QS_OK ? op_deviation(c, scaled) : -1.0;
    qs_op_destroy(&scaled);
    if (dev < 0.0)
      return st != QS_OK ? st : QS_ERR_NOMEM;
    if (kappa != 0.0 && dev <= FORM_TOL) {
      double rate = creal(kappa * conj(kappa));
      if (target < 0)
        p->cavity_loss += rate;
      else
        p->spin_loss[target] += rate;
      return QS_OK;
    }
  }
  qs_set_message(msg, msglen,
                 "semiclassical: collapse operator %s of model %s is neither a multiple of "
                 "the cavity's a nor of one qubit's s-",
                 m->c_names[k], m->type->name);
  return QS_ERR_INVALID;
}

qs_status qs_semiclassical_problem_from_model(const qs_model *model,
                                              qs_semiclassical_problem *out, char *msg,
                                              size_t msglen)
{
  memset(out, 0, sizeof *out);
  if (model->n_td > 0) {
    qs_set_message(msg, msglen,
                   "semiclassical: model %s has %d time-dependent Hamiltonian terms "
                   "(lab frame?); the functional needs a time-independent Liouvillian",
                   model->type->name, model->n_td);
    return QS_ERR_INVALID;
  }
  model_layout lay;
  int ns = 0;
  qs_status st = layout_of(model, &lay, &ns, msg, msglen);
  if (st != QS_OK)
    return st;
  out->n_spins = ns;
  model_ops ops;
  st = model_ops_build(model, &lay, ns, &ops);
  if (st == QS_OK)
    st = read_hamiltonian(model, &lay, &ops, out, msg, msglen);
  for (int k = 0; k < model->n_c && st == QS_OK; k++)
    st = read_collapse(model, &lay, &ops, k, out, msg, msglen);
  model_ops_free(&ops);
  return st;
}

/* ---- minimisation ------------------------------------------------------
 * Coordinates x = (Re alpha, Im alpha, w_1, ..., w_N), b_l = sin|w_l| w_l/|w_l|. */

/* b = s w and db/dw = s I + r w w^T with s = sin(rho)/rho, r = (cos rho - s)/rho^2. */
static void ball_map(const double w[3], double b[3], double *s, double *r)
{
  double rho = sqrt(dot(w, w));
  if (rho < 1e-4) { /* Taylor: the closed forms cancel catastrophically */
    *s = 1.0 - rho * rho / 6.0;
    *r = -1.0 / 3.0 + rho * rho / 30.0;
  } else {
    *s = sin(rho) / rho;
    *r = (cos(rho) - *s) / (rho * rho);
  }
  for (int i = 0; i < 3; i++)
    b[i] = *s * w[i];
}

static void ball_unmap(const double b[3], double w[3])
{
  double nb = sqrt(dot(b, b));
  double f = nb > 0.0 ? asin(fmin(nb, 1.0)) / nb : 1.0;
  for (int i = 0; i < 3; i++)
    w[i] = f * b[i];
}

static void point_of(int n_spins, const double *x, qs_semiclassical_point *pt)
{
  memset(pt, 0, sizeof *pt);
  pt->alpha = x[0] + I * x[1];
  for (int l = 0; l < n_spins; l++) {
    double s, r;
    ball_map(x + 2 + 3 * l, pt->bloch[l], &s, &r);
  }
}

static double objective(unsigned n, const double *x, double *grad, void *data)
{
  const qs_semiclassical_problem *p = data;
  (void)n;
  qs_semiclassical_point pt, g;
  point_of(p->n_spins, x, &pt);
  double S = qs_semiclassical_functional(p, &pt, grad ? &g : NULL);
  if (!grad)
    return S;
  grad[0] = creal(g.alpha);
  grad[1] = cimag(g.alpha);
  for (int l = 0; l < p->n_spins; l++) {
    const double *w = x + 2 + 3 * l;
    double b[3], s, r;
    ball_map(w, b, &s, &r);
    double wg = dot(w, g.bloch[l]);
    for (int i = 0; i < 3; i++)
      grad[2 + 3 * l + i] = s * g.bloch[l][i] + r * wg * w[i];
  }
  return S;
}

qs_semiclassical_options qs_semiclassical_default_options(void)
{
  return (qs_semiclassical_options){
    .starts = 64, .tol = 1e-10, .seed = 1, .max_eval = 20000, .merge = 1e-5};
}

static qs_status check_inputs(const qs_semiclassical_problem *p,
                              const qs_semiclassical_options *o, char *msg, size_t msglen)
{
  if (p->n_spins < 0 || p->n_spins > QS_SEMICLASSICAL_MAX_SPINS) {
    qs_set_message(msg, msglen, "semiclassical: %d spins (allowed 0..%d)", p->n_spins,
                   QS_SEMICLASSICAL_MAX_SPINS);
    return QS_ERR_INVALID;
  }
  int finite = isfinite(p->cavity_frequency) && isfinite(creal(p->drive))
               && isfinite(cimag(p->drive)) && isfinite(p->cavity_loss) && p->cavity_loss >= 0;
  for (int l = 0; l < p->n_spins; l++)
    finite = finite && isfinite(p->spin_frequency[l]) && isfinite(creal(p->coupling[l]))
             && isfinite(cimag(p->coupling[l])) && isfinite(p->spin_loss[l])
             && p->spin_loss[l] >= 0;
  if (!finite) {
    qs_set_message(msg, msglen, "semiclassical: a coefficient is not finite or a rate < 0");
    return QS_ERR_INVALID;
  }
  if (o->starts < 1 || !(o->tol > 0.0 && o->tol <= 1e-2) || o->max_eval < 10
      || !(o->merge > 0.0)) {
    qs_set_message(msg, msglen,
                   "semiclassical: options starts = %d (>= 1), tol = %g (0 < tol <= 1e-2), "
                   "max_eval = %d (>= 10), merge = %g (> 0)",
                   o->starts, o->tol, o->max_eval, o->merge);
    return QS_ERR_INVALID;
  }
  return QS_OK;
}

/* Centre and radius of the starting disc of alpha (see the header). */
static void start_disc(const qs_semiclassical_problem *p, double complex *centre,
                       double *radius)
{
  double complex kappa = p->cavity_frequency - 0.5 * I * p->cavity_loss;
  double pull = 0.0;
  for (int l = 0; l < p->n_spins; l++)
    pull += cabs(p->coupling[l]);
  double mk = cabs(kappa);
  *centre = mk > 0.0 ? -p->drive / kappa : 0.0;
  *radius = fmin(0.5 + 0.75 * (mk > 0.0 ? pull / mk : 1e4), 1e4);
}

static void start_point(const qs_semiclassical_problem *p, const qs_semiclassical_options *o,
                        int k, double *x)
{
  double complex centre;
  double radius;
  start_disc(p, &centre, &radius);
  qs_rng rng;
  qs_rng_seed(&rng, o->seed, (uint64_t)k);
  const double two_pi = 2.0 * acos(-1.0);
  double complex alpha = centre;
  if (k >= 2)
    alpha += radius * sqrt(qs_rng_uniform(&rng)) * cexp(I * two_pi * qs_rng_uniform(&rng));
  x[0] = creal(alpha);
  x[1] = cimag(alpha);
  for (int l = 0; l < p->n_spins; l++) {
    double b[3] = {0.0, 0.0, k == 1 ? 1.0 : -1.0};
    if (k >= 2) {
      double z = 2.0 * qs_rng_uniform(&rng) - 1.0, phi = two_pi * qs_rng_uniform(&rng);
      double r = cbrt(qs_rng_uniform(&rng)), rho = sqrt(fmax(0.0, 1.0 - z * z));
      b[0] = r * rho * cos(phi), b[1] = r * rho * sin(phi), b[2] = r * z;
    }
    ball_unmap(b, x + 2 + 3 * l);
  }
}

/* L-BFGS history length.  NLopt's default (0) keeps ~1.3e6/n pairs, i.e.
 * every iterate of a long run, and its two-loop recursion then costs
 * O(iterations) per step: a slow run became quadratic (minutes). */
#define LBFGS_MEMORY 20

/* Evaluations of one L-BFGS run before its end point is folded back into
 * |w_l| <= pi/2 and the run restarted: the map b = sin|w| w/|w| is
 * periodic in |w|, and a run that wanders to |w_l| ~ pi (b_l ~ 0, where
 * the tangential directions are nearly flat) crawls. */
#define LBFGS_CHUNK 1000

/* Replace each w_l by the principal coordinates of the same b_l. */
static void fold(int n_spins, double *x)
{
  for (int l = 0; l < n_spins; l++) {
    double b[3], s, r;
    ball_map(x + 2 + 3 * l, b, &s, &r);
    ball_unmap(b, x + 2 + 3 * l);
  }
}

/* One L-BFGS run from x of at most max_eval evaluations; *used receives
 * them and *hit_limit whether it stopped at that limit.  QS_ERR_NOMEM or
 * QS_OK (ROUNDOFF_LIMITED and FAILURE, the line search at machine
 * precision, leave x at the best point found: still an end point). */
static qs_status lbfgs(const qs_semiclassical_problem *p, const qs_semiclassical_options *o,
                       int max_eval, double *x, int *used, int *hit_limit)
{
  unsigned n = (unsigned)(2 + 3 * p->n_spins);
  nlopt_opt opt = nlopt_create(NLOPT_LD_LBFGS, n);
  if (!opt)
    return QS_ERR_NOMEM;
  double S;
  nlopt_set_min_objective(opt, objective, (void *)p);
  nlopt_set_xtol_rel(opt, o->tol);
  nlopt_set_xtol_abs1(opt, 1e-3 * o->tol);
  nlopt_set_maxeval(opt, max_eval);
  nlopt_set_vector_storage(opt, LBFGS_MEMORY);
  nlopt_result r = nlopt_optimize(opt, x, &S);
  *used = nlopt_get_numevals(opt);
  *hit_limit = r == NLOPT_MAXEVAL_REACHED;
  nlopt_destroy(opt);
  fold(p->n_spins, x);
  return r == NLOPT_OUT_OF_MEMORY ? QS_ERR_NOMEM : QS_OK;
}

/* L-BFGS in folded chunks until it converges or o->max_eval evaluations
 * are spent, then once more from the end point (the polish: a fresh
 * Hessian model). */
static qs_status lbfgs_polished(const qs_semiclassical_problem *p,
                                const qs_semiclassical_options *o, double *x)
{
  int spent = 0, used = 0, hit = 1;
  qs_status st = QS_OK;
  while (st == QS_OK && hit && spent < o->max_eval) {
    int chunk = o->max_eval - spent < LBFGS_CHUNK ? o->max_eval - spent : LBFGS_CHUNK;
    st = lbfgs(p, o, chunk, x, &used, &hit);
    spent += used > 0 ? used : chunk;
  }
  if (st == QS_OK)
    st = lbfgs(p, o, o->max_eval, x, &used, &hit);
  return st;
}

/* Smallest eigenvalue of the Hessian of the objective at x (central
 * differences of the analytic gradient, symmetrised) and its eigenvector
 * in v; NaN when LAPACK fails.  In the w coordinates the problem is
 * unconstrained, so a minimum on the sphere |b| = 1 has a positive
 * semidefinite Hessian too. */
#define MAX_COORDS (2 + 3 * QS_SEMICLASSICAL_MAX_SPINS)
static double lowest_curvature(const qs_semiclassical_problem *p, const double *x, double *v)
{
  const int n = 2 + 3 * p->n_spins;
  double H[MAX_COORDS * MAX_COORDS], xp[MAX_COORDS], gp[MAX_COORDS], gm[MAX_COORDS],
      ev[MAX_COORDS];
  for (int j = 0; j < n; j++) {
    double h = 1e-5 * (1.0 + fabs(x[j]));
    memcpy(xp, x, (size_t)n * sizeof *xp);
    xp[j] = x[j] + h;
    objective((unsigned)n, xp, gp, (void *)p);
    xp[j] = x[j] - h;
    objective((unsigned)n, xp, gm, (void *)p);
    for (int i = 0; i < n; i++)
      H[i + n * j] = (gp[i] - gm[i]) / (2.0 * h);
  }
  for (int j = 0; j < n; j++)
    for (int i = 0; i < j; i++)
      H[i + n * j] = H[j + n * i] = 0.5 * (H[i + n * j] + H[j + n * i]);
  if (LAPACKE_dsyev(LAPACK_COL_MAJOR, 'V', 'U', n, H, n, ev) != 0)
    return NAN;
  memcpy(v, H, (size_t)n * sizeof *v); /* ascending: column 0 */
  double scale = fmax(fabs(ev[0]), fabs(ev[n - 1]));
  return scale > 0.0 ? ev[0] / scale : 0.0;
}

/* Most times an end point that is a saddle is pushed down its negative
 * curvature and minimised again. */
#define MAX_SADDLE_ESCAPES 3
/* A relative Hessian eigenvalue below this marks a saddle (the difference
 * Hessian's own error is ~1e-8 relative). */
#define SADDLE_CURVATURE -1e-6

/* A local minimisation and its polish; an end point with negative curvature (L-BFGS can stop on
 * a saddle) is displaced along it and minimised again.  QS_ERR_NOMEM or
 * QS_OK. */
static qs_status local_minimize(const qs_semiclassical_problem *p,
                                const qs_semiclassical_options *o, double *x)
{
  const int n = 2 + 3 * p->n_spins;
  qs_status st = QS_OK;
  for (int escape = 0; escape <= MAX_SADDLE_ESCAPES && st == QS_OK; escape++) {
    st = lbfgs_polished(p, o, x);
    double v[MAX_COORDS];
    double c = st == QS_OK ? lowest_curvature(p, x, v) : 0.0;
    if (!(c < SADDLE_CURVATURE))
      break;
    for (int i = 0; i < n; i++)
      x[i] += 1e-2 * v[i];
  }
  return st;
}

/* Gradient norm with the outward radial part dropped where |b_l| = 1 and S
 * decreases outward (the active constraint). */
static double projected_gradient(const qs_semiclassical_problem *p,
                                 const qs_semiclassical_point *pt,
                                 const qs_semiclassical_point *g)
{
  double sum = creal(g->alpha * conj(g->alpha));
  for (int l = 0; l < p->n_spins; l++) {
    double gb[3] = {g->bloch[l][0], g->bloch[l][1], g->bloch[l][2]};
    double nb = sqrt(dot(pt->bloch[l], pt->bloch[l]));
    double radial = nb > 0.0 ? dot(gb, pt->bloch[l]) / nb : 0.0;
    if (nb >= 1.0 - 1e-9 && radial < 0.0)
      for (int i = 0; i < 3; i++)
        gb[i] -= radial * pt->bloch[l][i] / nb;
    sum += dot(gb, gb);
  }
  return sqrt(sum);
}

static double point_distance(int n_spins, const qs_semiclassical_point *a,
                             const qs_semiclassical_point *b)
{
  double d = cabs(a->alpha - b->alpha) / (1.0 + fmax(cabs(a->alpha), cabs(b->alpha)));
  for (int l = 0; l < n_spins; l++) {
    double db[3] = {a->bloch[l][0] - b->bloch[l][0], a->bloch[l][1] - b->bloch[l][1],
                    a->bloch[l][2] - b->bloch[l][2]};
    d = fmax(d, sqrt(dot(db, db)));
  }
  return d;
}

/* 1 when S on the segment from a to b never rises above the larger end
 * value: the two end points lie in one basin. */
#define SEGMENT_SAMPLES 32
static int same_basin(const qs_semiclassical_problem *p, const qs_semiclassical_minimum *a,
                      const qs_semiclassical_minimum *b)
{
  double top = fmax(a->S, b->S);
  for (int k = 1; k < SEGMENT_SAMPLES; k++) {
    double t = (double)k / SEGMENT_SAMPLES;
    qs_semiclassical_point m = a->point;
    m.alpha = (1.0 - t) * a->point.alpha + t * b->point.alpha;
    for (int l = 0; l < p->n_spins; l++)
      for (int i = 0; i < 3; i++)
        m.bloch[l][i] = (1.0 - t) * a->point.bloch[l][i] + t * b->point.bloch[l][i];
    if (qs_semiclassical_functional(p, &m, NULL) > top * (1.0 + 1e-9) + 1e-15)
      return 0;
  }
  return 1;
}

/* Add an end point to the list of distinct minima (merging duplicates). */
static void add_end_point(const qs_semiclassical_problem *p, const qs_semiclassical_options *o,
                          const qs_semiclassical_minimum *e, qs_semiclassical_minimum *list,
                          int *count)
{
  for (int i = 0; i < *count; i++)
    if (point_distance(p->n_spins, &list[i].point, &e->point) <= o->merge
        || same_basin(p, &list[i], e)) {
      int hits = list[i].hits + 1;
      if (e->S < list[i].S)
        list[i] = *e;
      list[i].hits = hits;
      return;
    }
  list[(*count)++] = *e;
}

static int compare_minima(const void *pa, const void *pb)
{
  const qs_semiclassical_minimum *a = pa, *b = pb;
  if (a->S != b->S)
    return a->S < b->S ? -1 : 1;
  double ra = creal(a->point.alpha), rb = creal(b->point.alpha);
  return (ra > rb) - (ra < rb);
}

qs_status qs_semiclassical_minimize(const qs_semiclassical_problem *problem,
                                    const qs_semiclassical_options *options,
                                    qs_semiclassical_result *out, char *msg, size_t msglen)
{
  memset(out, 0, sizeof *out);
  qs_semiclassical_options o = options ? *options : qs_semiclassical_default_options();
  qs_status st = check_inputs(problem, &o, msg, msglen);
  if (st != QS_OK)
    return st;
  qs_semiclassical_minimum *list = calloc((size_t)o.starts, sizeof *list);
  if (!list)
    return QS_ERR_NOMEM;
  int count = 0;
  double x[2 + 3 * QS_SEMICLASSICAL_MAX_SPINS];
  for (int k = 0; k < o.starts && st == QS_OK; k++) {
    start_point(problem, &o, k, x);
    if (!isfinite(objective(0, x, NULL, (void *)problem))) {
      qs_set_message(msg, msglen, "semiclassical: S is not finite at start %d", k);
      st = QS_ERR_NUMERIC;
      break;
    }
    st = local_minimize(problem, &o, x);
    qs_semiclassical_minimum e = {.hits = 1};
    qs_semiclassical_point g;
    point_of(problem->n_spins, x, &e.point);
    e.S = qs_semiclassical_functional(problem, &e.point, &g);
    e.epsilon = sqrt(fmax(e.S, 0.0));
    e.grad_norm = projected_gradient(problem, &e.point, &g);
    if (st == QS_OK && isfinite(e.S))
      add_end_point(problem, &o, &e, list, &count);
  }
  if (st == QS_OK && count == 0) {
    qs_set_message(msg, msglen, "semiclassical: no start reached a finite minimum");
    st = QS_ERR_NUMERIC;
  }
  if (st != QS_OK) {
    free(list);
    return st;
  }
  qsort(list, (size_t)count, sizeof *list, compare_minima);
  out->minima = list;
  out->n_minima = count;
  out->n_starts = o.starts;
  return QS_OK;
}

void qs_semiclassical_result_free(qs_semiclassical_result *result)
{
  if (!result)
    return;
  free(result->minima);
  result->minima = NULL;
  result->n_minima = 0;
}

/* Levels of the undisplaced copy the coefficients are read from (matrix
 * elements between the lowest states; any >= 3 will do). */
#define READ_LEVELS 4.0

qs_status qs_semiclassical_problem_from_parameters(const qs_model *model,
                                                   qs_semiclassical_problem *out,
                                                   char *msg, size_t msglen)
{
  const qs_model_type *type = model ? model->type : NULL;
  if (!type || !model->param_values)
    return qs_semiclassical_problem_from_model(model, out, msg, msglen);
  double plain[QS_MODEL_MAX_PARAMS];
  for (int i = 0; i < type->n_params; i++)
    plain[i] = model->param_values[i];
  int displace = qs_model_param_index(type, "displace");
  if (displace >= 0)
    plain[displace] = 0.0;
  int levels = type->truncation_key ? qs_model_param_index(type, type->truncation_key) : -1;
  if (levels >= 0)
    plain[levels] = fmin(plain[levels], READ_LEVELS);
  qs_model *copy = NULL;
  qs_status st = qs_model_create(type, plain, &copy, msg, msglen);
  if (st == QS_OK)
    st = qs_semiclassical_problem_from_model(copy, out, msg, msglen);
  qs_model_destroy(&copy);
  return st;
}
