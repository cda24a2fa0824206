/* Built-in model "cavity_qubits": a driven dissipative cavity coupled to
 * N qubits (driven-resonator paper, Eqs. 1-5); see include/qsync/model.h. */
#include "message_impl.h"
#include "model_impl.h"
#include "qsync/metrics.h"
#include "qsync/semiclassical.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QS_CAVITY_MAX_QUBITS 8
#define QS_CAVITY_N_PARAMS (11 + QS_CAVITY_MAX_QUBITS)

enum {
  CAV_NQUBITS, CAV_NCAV, CAV_FRAME, CAV_DISPLACE, CAV_OMEGA0, CAV_DOMEGA, CAV_F,
  CAV_GAMMA, CAV_GAMMA_S, CAV_DELTA_1,
  CAV_ALPHA0_RE = CAV_DELTA_1 + QS_CAVITY_MAX_QUBITS, CAV_ALPHA0_IM
};

/* Values of the displace parameter (indices into its choices). */
enum {
  DISPLACE_OFF, DISPLACE_ON, DISPLACE_EMPTY, DISPLACE_VALUE, DISPLACE_SEMICLASSICAL
};
_Static_assert(CAV_ALPHA0_IM + 1 == QS_CAVITY_N_PARAMS,
               "parameter table size");

#define DELTA_SPEC(l)                                                          \
  [CAV_DELTA_1 + (l) - 1] = {"delta_" #l, "lambda", 2.0, -1e6, 1e6,             \
                             "detuning Delta_" #l " = Omega_" #l " - omega0 of qubit " #l, NULL}

static const qs_param_spec cavity_qubits_params[QS_CAVITY_N_PARAMS] = {
  [CAV_NQUBITS] = {"nqubits", "1", 1, 0, QS_CAVITY_MAX_QUBITS, "number of qubits N", NULL},
  [CAV_NCAV] = {"ncav", "1", 40, 2, 2000, "cavity levels kept (photon numbers 0 .. ncav-1)", NULL},
  [CAV_FRAME] = {"frame", "-", 0, 0, 1,
                 "rwa: time-independent Eq. 3; lab: Eq. 1 without RWA, integrated in the drive frame",
                 "rwa|lab"},
  [CAV_DISPLACE] = {"displace", "-", 0, 0, 4,
                    "keep ncav levels of b = a - alpha0 instead of ncav photon numbers, centred on "
                    "alpha0 = empty: the empty cavity's coherent amplitude (Eq. 36; on = empty, "
                    "the old name); value: alpha0 = re, im; semiclassical: alpha of the lowest "
                    "minimum of the semiclassical functional (qsync semiclassical)",
                    "off|on|empty|value|semiclassical"},
  [CAV_OMEGA0] = {"omega0", "lambda", 10, 1e-3, 1e6, "cavity frequency omega0 (lab frame only)", NULL},
  [CAV_DOMEGA] = {"domega", "lambda", 0, -1e6, 1e6, "drive detuning omega - omega0", NULL},
  [CAV_F] = {"F", "lambda", 1, -1e6, 1e6, "drive amplitude F", NULL},
  [CAV_GAMMA] = {"gamma", "lambda", 0.3, 0, 1e6, "cavity loss rate (collapse sqrt(gamma) a)", NULL},
  [CAV_GAMMA_S] = {"gamma_s", "lambda", 0, 0, 1e6,
                   "qubit loss rate (collapse sqrt(gamma_s) s-_l)", NULL},
  DELTA_SPEC(1), DELTA_SPEC(2), DELTA_SPEC(3), DELTA_SPEC(4),
  DELTA_SPEC(5), DELTA_SPEC(6), DELTA_SPEC(7), DELTA_SPEC(8),
  [CAV_ALPHA0_RE] = {"alpha0_re", "1", 0, -1e6, 1e6,
                     "displace = value: real part of the centre alpha0 (alpha0 = re, im sets both)",
                     NULL},
  [CAV_ALPHA0_IM] = {"alpha0_im", "1", 0, -1e6, 1e6,
                     "displace = value: imaginary part of the centre alpha0", NULL},
};

/* Lab-frame counter-rotating terms: f_1 = cos(2 omega t), f_2 = sin(2 omega t)
 * with omega = omega0 + domega read from the model's own parameters. */
static double drive_frequency(const void *data)
{
  const double *p = data;
  return p[CAV_OMEGA0] + p[CAV_DOMEGA];
}

static double complex counter_cos(double t, const void *data)
{
  return cos(2.0 * drive_frequency(data) * t);
}

static double complex counter_sin(double t, const void *data)
{
  return sin(2.0 * drive_frequency(data) * t);
}

/* Coherent amplitude of the empty driven cavity (Eq. 36): the zero of
 * d<a>/dt = i domega <a> - i F - (gamma/2) <a>. */
static double complex empty_cavity_alpha(const double *p)
{
  return -I * p[CAV_F] / (0.5 * p[CAV_GAMMA] - I * p[CAV_DOMEGA]);
}

/* The operators every part of the model is built from. */
typedef struct {
  int nq;
  double complex alpha0;   /* displacement: a = alpha0 + b (0 if off) */
  int empty_centre;        /* alpha0 is the empty cavity's: the drive on b cancels */
  qs_op *id;
  qs_op *a, *adag, *n;     /* the kept cavity mode: a, or b when displaced */
  qs_op *sp[QS_CAVITY_MAX_QUBITS], *sm[QS_CAVITY_MAX_QUBITS];
  qs_op *s[QS_CAVITY_MAX_QUBITS][3];   /* S_x, S_y, S_z = sigma / 2 */
} cavity_ops;

static void cavity_ops_free(cavity_ops *o)
{
  qs_op_destroy(&o->id);
  qs_op_destroy(&o->a);
  qs_op_destroy(&o->adag);
  qs_op_destroy(&o->n);
  for (int l = 0; l < o->nq; l++) {
    qs_op_destroy(&o->sp[l]);
    qs_op_destroy(&o->sm[l]);
    for (int c = 0; c < 3; c++)
      qs_op_destroy(&o->s[l][c]);
  }
}

static qs_status cavity_ops_build(const qs_space *space, int nq, cavity_ops *o)
{
  memset(o, 0, sizeof *o);
  o->nq = nq;
  qs_op *local = NULL;
  qs_status st = qs_op_destroy_boson(space->dims[0], &local);
  if (st == QS_OK)
    st = qs_op_embed(space, 0, local, &o->a);
  qs_op_destroy(&local);
  if (st == QS_OK)
    st = qs_op_adjoint(o->a, &o->adag);
  if (st == QS_OK)
    st = qs_op_mul(o->adag, o->a, &o->n);
  if (st == QS_OK)
    st = qs_op_identity(space->total, &o->id);
  const qs_spin_component comp[3] = {QS_SPIN_X, QS_SPIN_Y, QS_SPIN_Z};
  for (int l = 0; l < nq && st == QS_OK; l++) {
    st = qs_model_spin_op(space, 1, l + 1, QS_SPIN_PLUS, &o->sp[l]);
    if (st == QS_OK)
      st = qs_model_spin_op(space, 1, l + 1, QS_SPIN_MINUS, &o->sm[l]);
    for (int c = 0; c < 3 && st == QS_OK; c++)
      st = qs_model_spin_op(space, 1, l + 1, comp[c], &o->s[l][c]);
  }
  return st;
}

/* RWA Hamiltonian in the drive frame (paper Eq. 3):
 * -domega a^dag a + sum_l (Delta_l - domega)/2 sz_l + sum_l (a s+_l + a^dag s-_l)
 * + F (a + a^dag), with sz_l = 2 S_z,l.
 * Displaced (a = alpha0 + b): -domega a^dag a and F (a + a^dag) give
 * -domega b^dag b + (F - domega alpha0) b^dag + h.c., and
 * D[sqrt(gamma)(b + alpha0)] = D[sqrt(gamma) b] - i[(i gamma/2)(conj(alpha0) b
 * - alpha0 b^dag), rho], so the drive on b is eps b^dag + conj(eps) b with
 * eps = F - (domega + i gamma/2) alpha0, leaving
 * -domega b^dag b + ... + sum_l (b s+_l + h.c.) + sum_l (alpha0 s+_l + h.c.)
 * with c = sqrt(gamma) b (constants dropped).  For the empty cavity's
 * alpha0 (Eq. 36) eps = 0 exactly, and no drive term is built at all. */
static qs_status rwa_hamiltonian(const double *p, const cavity_ops *o, qs_op **H)
{
  qs_status st = qs_op_accumulate(H, -p[CAV_DOMEGA], o->n);
  double complex drive = o->alpha0 != 0.0 ? 0.0 : p[CAV_F];
  if (o->alpha0 != 0.0 && !o->empty_centre)
    drive = p[CAV_F] - (p[CAV_DOMEGA] + 0.5 * I * p[CAV_GAMMA]) * o->alpha0;
  if (st == QS_OK && drive != 0.0)
    st = qs_op_accumulate(H, conj(drive), o->a);
  if (st == QS_OK && drive != 0.0)
    st = qs_op_accumulate(H, drive, o->adag);
  for (int l = 0; l < o->nq && st == QS_OK; l++) {
    qs_op *hop = NULL, *hop_h = NULL;
    st = qs_op_accumulate(H, p[CAV_DELTA_1 + l] - p[CAV_DOMEGA], o->s[l][2]);
    if (st == QS_OK && o->alpha0 != 0.0)
      st = qs_op_accumulate(H, o->alpha0, o->sp[l]);
    if (st == QS_OK && o->alpha0 != 0.0)
      st = qs_op_accumulate(H, conj(o->alpha0), o->sm[l]);
    if (st == QS_OK)
      st = qs_op_mul(o->a, o->sp[l], &hop);
    if (st == QS_OK)
      st = qs_op_adjoint(hop, &hop_h);
    if (st == QS_OK)
      st = qs_op_accumulate(H, 1.0, hop);
    if (st == QS_OK)
      st = qs_op_accumulate(H, 1.0, hop_h);
    qs_op_destroy(&hop);
    qs_op_destroy(&hop_h);
  }
  return st;
}

/* Lab frame (Eq. 1) moved exactly into the frame rotating at the drive
 * frequency omega with U = exp(i omega t (a^dag a + sum sz_l / 2)): the
 * co-rotating part is the RWA Hamiltonian and the counter-rotating part is
 * e^{2 i omega t} X + h.c., X = sum_l s+_l a^dag + F a^dag, i.e.
 * cos(2 omega t) (X + X^dag) + sin(2 omega t) i (X - X^dag).  The
 * dissipators are unchanged (D[c e^{i phi}] = D[c]).  Displaced, a^dag =
 * b^dag + conj(alpha0) adds conj(alpha0) s+_l to X (F conj(alpha0) is a
 * c-number, dropped). */
static qs_status counter_rotating_terms(const double *p, const cavity_ops *o,
                                        qs_model *m)
{
  qs_op *X = NULL, *Xh = NULL;
  qs_status st = qs_op_accumulate(&X, p[CAV_F], o->adag);
  for (int l = 0; l < o->nq && st == QS_OK; l++) {
    qs_op *term = NULL;
    st = qs_op_mul(o->sp[l], o->adag, &term);
    if (st == QS_OK)
      st = qs_op_accumulate(&X, 1.0, term);
    if (st == QS_OK && o->alpha0 != 0.0)
      st = qs_op_accumulate(&X, conj(o->alpha0), o->sp[l]);
    qs_op_destroy(&term);
  }
  if (st == QS_OK)
    st = qs_op_adjoint(X, &Xh);
  m->H_td = calloc(2, sizeof *m->H_td);
  m->f_td = calloc(2, sizeof *m->f_td);
  if (!m->H_td || !m->f_td)
    st = QS_ERR_NOMEM;
  if (st == QS_OK)
    st = qs_op_add(1.0, X, 1.0, Xh, &m->H_td[0]);
  if (st == QS_OK)
    st = qs_op_add(I, X, -I, Xh, &m->H_td[1]);
  if (st == QS_OK) {
    m->n_td = 2;
    m->f_td[0] = counter_cos;
    m->f_td[1] = counter_sin;
    m->f_data = m->param_values;
    /* cos(2 omega t), sin(2 omega t): period pi / omega */
    double omega = fabs(drive_frequency(m->param_values));
    m->period = omega > 0.0 ? acos(-1.0) / omega : 0.0;
  }
  qs_op_destroy(&X);
  qs_op_destroy(&Xh);
  return st;
}

static qs_status add_observable_copy(qs_model *m, double complex scale, const qs_op *op,
                                     const char *name)
{
  qs_op *copy = NULL;
  qs_status st = qs_op_scale(scale, op, &copy);
  if (st == QS_OK)
    qs_model_add_observable(m, copy, name);
  return st;
}

/* Projector on the highest cavity level, for the truncation check. */
static qs_status top_level_projector(const qs_space *space, qs_op **out)
{
  qs_index top = space->dims[0] - 1;
  const double complex one = 1.0;
  qs_op *local = NULL;
  qs_status st = qs_op_from_triplets(space->dims[0], 1, &top, &top, &one, &local);
  if (st == QS_OK)
    st = qs_op_embed(space, 0, local, out);
  qs_op_destroy(&local);
  return st;
}

/* <sigma_i^(1) sigma_j^(2)> = 4 <S_i,1 S_j,2>, named XX_12, XY_12, ... */
static qs_status add_pair_observables(qs_model *m, const cavity_ops *o)
{
  const char axis[3] = {'X', 'Y', 'Z'};
  qs_op *dot = NULL;  /* S_1 . S_2 */
  qs_status st = QS_OK;
  for (int i = 0; i < 3 && st == QS_OK; i++)
    for (int j = 0; j < 3 && st == QS_OK; j++) {
      qs_op *prod = NULL;
      st = qs_op_mul(o->s[0][i], o->s[1][j], &prod);
      char name[QS_MODEL_MAX_NAME];
      snprintf(name, sizeof name, "%c%c_12", axis[i], axis[j]);
      if (st == QS_OK)
        st = add_observable_copy(m, 4.0, prod, name);
      if (st == QS_OK && i == j)
        st = qs_op_accumulate(&dot, 1.0, prod);
      qs_op_destroy(&prod);
    }
  /* S^2 = (S_1 + S_2)^2 = 3/2 + 2 S_1.S_2; singlet projector 1/4 - S_1.S_2. */
  qs_op *id = NULL, *S2 = NULL, *singlet = NULL;
  if (st == QS_OK)
    st = qs_op_identity(m->space.total, &id);
  if (st == QS_OK)
    st = qs_op_add(1.5, id, 2.0, dot, &S2);
  if (st == QS_OK)
    st = qs_op_add(0.25, id, -1.0, dot, &singlet);
  if (st == QS_OK) {
    qs_model_add_observable(m, S2, "S2");
    qs_model_add_observable(m, singlet, "singlet");
    S2 = singlet = NULL;
  }
  qs_op_destroy(&dot);
  qs_op_destroy(&id);
  qs_op_destroy(&S2);
  qs_op_destroy(&singlet);
  return st;
}

/* a = alpha0 + b and n = b^dag b + alpha0 b^dag + conj(alpha0) b + |alpha0|^2
 * (just a and a^dag a without displacement). */
static qs_status add_field_observables(qs_model *m, const cavity_ops *o)
{
  qs_op *a = NULL, *n = NULL;
  double complex al = o->alpha0;
  qs_status st = qs_op_add(1.0, o->a, al, o->id, &a);
  if (st == QS_OK)
    st = qs_op_add(1.0, o->n, al * conj(al), o->id, &n);
  if (st == QS_OK && al != 0.0)
    st = qs_op_accumulate(&n, al, o->adag);
  if (st == QS_OK && al != 0.0)
    st = qs_op_accumulate(&n, conj(al), o->a);
  if (st == QS_OK) {
    qs_model_add_observable(m, a, "a");
    qs_model_add_observable(m, n, "n");
    a = n = NULL;
  }
  qs_op_destroy(&a);
  qs_op_destroy(&n);
  return st;
}

static qs_status add_cavity_observables(qs_model *m, const cavity_ops *o)
{
  qs_status st = add_field_observables(m, o);
  qs_op *top = NULL;
  if (st == QS_OK)
    st = top_level_projector(&m->space, &top);
  if (st == QS_OK) {
    m->cavity_top_obs = m->n_obs;
    qs_model_add_observable(m, top, "P_top");
  }
  const char *comp[3] = {"Sx", "Sy", "Sz"};
  for (int l = 0; l < o->nq && st == QS_OK; l++)
    for (int c = 0; c < 3 && st == QS_OK; c++) {
      char name[QS_MODEL_MAX_NAME];
      snprintf(name, sizeof name, "%s_%d", comp[c], l + 1);
      st = add_observable_copy(m, 1.0, o->s[l][c], name);
    }
  for (int c = 0; c < 3 && st == QS_OK && o->nq > 0; c++) {
    qs_op *total = NULL;
    for (int l = 0; l < o->nq && st == QS_OK; l++)
      st = qs_op_accumulate(&total, 1.0, o->s[l][c]);
    if (st == QS_OK)
      qs_model_add_observable(m, total, comp[c]);
    else
      qs_op_destroy(&total);
  }
  if (st == QS_OK && o->nq >= 2)
    st = add_pair_observables(m, o);
  return st;
}

/* Reduced state of qubits 1, 2 from their Pauli expectation values:
 * rho = (1/4) sum_ij t_ij sigma_i (x) sigma_j, t_00 = 1, t_i0 = 2 <S_i,1>,
 * t_0j = 2 <S_j,2>, t_ij = <sigma_i sigma_j> (basis index 2 i1 + i2, 0 = up). */
static void pair_state(const qs_model *m, const double complex *obs,
                       double complex rho[16])
{
  static const double complex pauli[4][4] = {
    {1, 0, 0, 1}, {0, 1, 1, 0}, {0, I, -I, 0}, {1, 0, 0, -1}};  /* column-major */
  const char *local[2][3] = {{"Sx_1", "Sy_1", "Sz_1"}, {"Sx_2", "Sy_2", "Sz_2"}};
  const char axis[3] = {'X', 'Y', 'Z'};
  double t[4][4] = {{1.0}};
  for (int i = 0; i < 3; i++) {
    t[i + 1][0] = 2.0 * creal(obs[qs_model_obs_index(m, local[0][i])]);
    t[0][i + 1] = 2.0 * creal(obs[qs_model_obs_index(m, local[1][i])]);
    for (int j = 0; j < 3; j++) {
      char name[8];
      snprintf(name, sizeof name, "%c%c_12", axis[i], axis[j]);
      t[i + 1][j + 1] = creal(obs[qs_model_obs_index(m, name)]);
    }
  }
  memset(rho, 0, 16 * sizeof *rho);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      for (int r1 = 0; r1 < 2; r1++)
        for (int c1 = 0; c1 < 2; c1++)
          for (int r2 = 0; r2 < 2; r2++)
            for (int c2 = 0; c2 < 2; c2++)
              rho[(2 * r1 + r2) + 4 * (2 * c1 + c2)] +=
                  0.25 * t[i][j] * pauli[i][r1 + 2 * c1] * pauli[j][r2 + 2 * c2];
}

static void pair_entanglement(const qs_model *m, const double complex *obs, double *out)
{
  double complex rho[16];
  pair_state(m, obs, rho);
  if (qs_negativity(2, 2, rho, &out[0]) != QS_OK)
    out[0] = NAN;
  if (qs_chsh_max(rho, &out[1]) != QS_OK)
    out[1] = NAN;
}

static qs_status set_pair_derived(qs_model *m)
{
  m->derived_names = calloc(2, sizeof *m->derived_names);
  if (!m->derived_names)
    return QS_ERR_NOMEM;
  snprintf(m->derived_names[0], QS_MODEL_MAX_NAME, "negativity");
  snprintf(m->derived_names[1], QS_MODEL_MAX_NAME, "chsh");
  m->n_derived = 2;
  m->derived = pair_entanglement;
  return QS_OK;
}

/* Initial state |0 photons, all qubits down> and, in the RWA, the U(1)
 * charge of the undriven model: photons plus excited qubits. */
static qs_status initial_state_and_charge(qs_model *m, int nq, int rwa)
{
  qs_index total = m->space.total, nspin = (qs_index)1 << nq;
  m->psi0 = calloc((size_t)total, sizeof *m->psi0);
  if (!m->psi0)
    return QS_ERR_NOMEM;
  m->psi0[nspin - 1] = 1.0;  /* qubit index 1 = down in every factor */
  if (!rwa)
    return QS_OK;
  m->u1_charge = malloc((size_t)total * sizeof *m->u1_charge);
  if (!m->u1_charge)
    return QS_ERR_NOMEM;
  for (qs_index i = 0; i < total; i++) {
    int up = nq - __builtin_popcountll((unsigned long long)(i % nspin));
    m->u1_charge[i] = (int)(i / nspin) + up;
  }
  return QS_OK;
}

#define CAVITY_MAX_DIM 65536

/* alpha of the lowest minimum of the semiclassical functional (Sec. 2.3)
 * of the undisplaced RWA model: H = -domega a^dag a + sum_l (Delta_l -
 * domega)/2 sz_l + sum_l (a s+_l + h.c.) + F (a + a^dag) in the form of
 * semiclassical.h, minimised from the default starts. */
static qs_status semiclassical_centre(const double *p, double complex *alpha, char *msg,
                                      size_t msglen)
{
  qs_semiclassical_problem problem = {
    .n_spins = (int)p[CAV_NQUBITS], .cavity_frequency = -p[CAV_DOMEGA], .drive = p[CAV_F],
    .cavity_loss = p[CAV_GAMMA]};
  for (int l = 0; l < problem.n_spins; l++) {
    problem.spin_frequency[l] = p[CAV_DELTA_1 + l] - p[CAV_DOMEGA];
    problem.coupling[l] = 1.0;
    problem.spin_loss[l] = p[CAV_GAMMA_S];
  }
  qs_semiclassical_result res = {0};
  char why[256] = "";
  qs_status st = qs_semiclassical_minimize(&problem, NULL, &res, why, sizeof why);
  if (st == QS_OK)
    *alpha = res.minima[0].point.alpha;
  else
    qs_set_message(msg, msglen, "displace = semiclassical: the semiclassical minimizer failed: "
                   "%s%s%s", qs_strerror(st), why[0] ? ": " : "", why);
  qs_semiclassical_result_free(&res);
  return st;
}

/* The centre alpha0 of the kept levels (o->alpha0 stays 0 when off). */
static qs_status displacement_centre(const double *p, cavity_ops *o, char *msg, size_t msglen)
{
  switch ((int)p[CAV_DISPLACE]) {
  case DISPLACE_OFF:
    return QS_OK;
  case DISPLACE_ON:
  case DISPLACE_EMPTY:
    if (p[CAV_GAMMA] == 0.0 && p[CAV_DOMEGA] == 0.0) {
      qs_set_message(msg, msglen, "displace = empty (on) needs gamma > 0 or domega != 0 (the "
                     "empty cavity has no steady amplitude otherwise)");
      return QS_ERR_INVALID;
    }
    o->alpha0 = empty_cavity_alpha(p);
    o->empty_centre = 1;
    return QS_OK;
  case DISPLACE_VALUE:
    o->alpha0 = p[CAV_ALPHA0_RE] + I * p[CAV_ALPHA0_IM];
    return QS_OK;
  default:
    return semiclassical_centre(p, &o->alpha0, msg, msglen);
  }
}

static qs_status cavity_qubits_build(const double *p, qs_model *m, char *msg, size_t msglen)
{
  qs_status st = qs_model_check_integer(cavity_qubits_params, p, CAV_NQUBITS, msg, msglen);
  if (st == QS_OK)
    st = qs_model_check_integer(cavity_qubits_params, p, CAV_NCAV, msg, msglen);
  if (st != QS_OK)
    return st;
  int nq = (int)p[CAV_NQUBITS];
  qs_index ncav = (qs_index)p[CAV_NCAV];
  if (ncav << nq > CAVITY_MAX_DIM) {
    qs_set_message(msg, msglen, "ncav * 2^nqubits = %lld exceeds %d",
                   (long long)(ncav << nq), CAVITY_MAX_DIM);
    return QS_ERR_INVALID;
  }
  qs_index dims[1 + QS_CAVITY_MAX_QUBITS] = {ncav};
  for (int l = 0; l < nq; l++)
    dims[l + 1] = 2;
  st = qs_space_init(&m->space, nq + 1, dims);
  if (st != QS_OK)
    return st;
  m->space.role[0] = QS_ROLE_BOSON;
  for (int l = 0; l < nq; l++)
    m->space.role[l + 1] = QS_ROLE_SPIN;
  int max_obs = 3 + 3 * nq + 3 + 11;
  m->c = calloc((size_t)nq + 1, sizeof *m->c);
  m->c_names = calloc((size_t)nq + 1, sizeof *m->c_names);
  m->obs = calloc((size_t)max_obs, sizeof *m->obs);
  m->obs_names = calloc((size_t)max_obs, sizeof *m->obs_names);
  if (!m->c || !m->c_names || !m->obs || !m->obs_names)
    return QS_ERR_NOMEM;

  cavity_ops o;
  st = cavity_ops_build(&m->space, nq, &o);
  if (st == QS_OK)
    st = displacement_centre(p, &o, msg, msglen);
  if (st != QS_OK) {
    cavity_ops_free(&o);
    return st;
  }
  if (st == QS_OK)
    st = rwa_hamiltonian(p, &o, &m->H);
  int rwa = p[CAV_FRAME] == 0.0;
  if (st == QS_OK && !rwa)
    st = counter_rotating_terms(p, &o, m);
  if (st == QS_OK)
    st = qs_model_add_collapse_copy(m, p[CAV_GAMMA], o.a, "cavity_loss");
  for (int l = 0; l < nq && st == QS_OK; l++) {
    char name[QS_MODEL_MAX_NAME];
    snprintf(name, sizeof name, "qubit_loss_%d", l + 1);
    st = qs_model_add_collapse_copy(m, p[CAV_GAMMA_S], o.sm[l], name);
  }
  if (st == QS_OK)
    st = add_cavity_observables(m, &o);
  cavity_ops_free(&o);
  if (st == QS_OK && nq >= 2)
    st = set_pair_derived(m);
  if (st == QS_OK)
    st = initial_state_and_charge(m, nq, rwa);
  return st;
}

/* Photon numbers need the cavity undisplaced (b's number states are not
 * photon numbers) and a qubit to condition on; qubit 1 is subsystem 1. */
static qs_status photon_distribution(const qs_model *model, const double complex *rho,
                                     double *p_up, double *p_down)
{
  if (model->space.n_sub < 2 || model->param_values[CAV_DISPLACE] != 0.0)
    return QS_ERR_INVALID;
  if (!rho)
    return QS_OK;
  qs_index ncav = model->space.dims[0], total = model->space.total;
  qs_index rest = total / ncav, half = rest / 2;  /* qubit 1 is the leading bit */
  for (qs_index n = 0; n < ncav; n++) {
    p_up[n] = p_down[n] = 0.0;
    for (qs_index r = 0; r < rest; r++) {
      qs_index i = n * rest + r;
      double pop = creal(rho[i + i * total]);
      if (r < half)
        p_up[n] += pop;
      else
        p_down[n] += pop;
    }
  }
  return QS_OK;
}

/* Period of the drive omega = omega0 + domega (the averaging window of
 * mesolve), whatever the frame; 0 when omega <= 0. */
static double drive_period(const qs_model *m)
{
  const double omega = drive_frequency(m->param_values);
  return isfinite(omega) && omega > 0.0 ? 2.0 * acos(-1.0) / omega : 0.0;
}

const qs_model_type qs_cavity_qubits_type = {
  .name = "cavity_qubits",
  .summary = "driven dissipative cavity coupled to N qubits (RWA or lab frame)",
  .n_params = QS_CAVITY_N_PARAMS,
  .params = cavity_qubits_params,
  .build = cavity_qubits_build,
  .truncation_key = "ncav",
  .drive_period = drive_period,
  .photon_distribution = photon_distribution,
};
