/* Built-in model "qubit_osc": two spin-S oscillators with gain and loss
 * baths and a weak drive on A (two-qubit-oscillator paper, Eq. 4 and C1);
 * see include/qsync/model.h. */
#include "message_impl.h"
#include "model_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum {
  OSC_SPIN, OSC_W_A, OSC_GAMMA_A, OSC_W_B, OSC_GAMMA_B, OSC_G,
  OSC_DELTA_D, OSC_DELTA_Q, OSC_EPS, OSC_GAMMA_PHI, OSC_N_PARAMS
};

static const qs_param_spec qubit_osc_params[OSC_N_PARAMS] = {
  [OSC_SPIN] = {"spin", "1", 0.5, 0.5, 5.0,
                "spin size S of each oscillator (1/2 qubits, 1 qutrits; 2S integer)"},
  [OSC_W_A] = {"w_A", "Gamma", 0.4, 0.0, 1e6, "gain (pump) rate of spin A"},
  [OSC_GAMMA_A] = {"gamma_A", "Gamma", 0.6, 0.0, 1e6, "loss rate of spin A"},
  [OSC_W_B] = {"w_B", "Gamma", 0.75, 0.0, 1e6, "gain (pump) rate of spin B"},
  [OSC_GAMMA_B] = {"gamma_B", "Gamma", 0.25, 0.0, 1e6, "loss rate of spin B"},
  [OSC_G] = {"g", "Gamma", 1.0, -1e6, 1e6, "exchange coupling g of A and B"},
  [OSC_DELTA_D] = {"delta_d", "Gamma", 0.0, -1e6, 1e6,
                   "drive detuning Delta_d = omega_A - omega_d"},
  [OSC_DELTA_Q] = {"delta_q", "Gamma", 0.0, -1e6, 1e6,
                   "qubit detuning Delta_q = omega_B - omega_A"},
  [OSC_EPS] = {"eps", "Gamma", 0.1, 0.0, 1e6, "drive strength epsilon on spin A"},
  [OSC_GAMMA_PHI] = {"gamma_phi", "Gamma", 0.0, 0.0, 1e6,
                     "dephasing rate (collapse operator sqrt(2 gamma_phi) Sz)"},
};

/* Embedded spherical tensor T^k_q of oscillator j. */
static qs_status spin_tensor_op(const qs_space *space, int two_s, int j, int k, int q,
                                qs_op **out)
{
  qs_op *local = NULL;
  qs_status st = qs_op_spin_tensor(two_s, k, q, &local);
  if (st == QS_OK)
    st = qs_op_embed(space, j, local, out);
  qs_op_destroy(&local);
  return st;
}

/* H of Eq. 4: delta_d SzA + (delta_d+delta_q) SzB + g/2 (S+A S-B + h.c.)
 * + eps/2 (S+A + S-A). */
static qs_status qubit_osc_hamiltonian(const double *p, qs_op *const sz[2],
                                       qs_op *const sp[2], qs_op *const sm[2],
                                       qs_op **out)
{
  qs_op *exch = NULL, *exch_h = NULL, *hop = NULL, *drive = NULL;
  qs_op *zz = NULL, *h1 = NULL;
  qs_status st = qs_op_mul(sp[0], sm[1], &exch);
  if (st == QS_OK)
    st = qs_op_adjoint(exch, &exch_h);
  if (st == QS_OK)
    st = qs_op_add(0.5 * p[OSC_G], exch, 0.5 * p[OSC_G], exch_h, &hop);
  if (st == QS_OK)
    st = qs_op_add(0.5 * p[OSC_EPS], sp[0], 0.5 * p[OSC_EPS], sm[0], &drive);
  if (st == QS_OK)
    st = qs_op_add(p[OSC_DELTA_D], sz[0], p[OSC_DELTA_D] + p[OSC_DELTA_Q], sz[1],
                   &zz);
  if (st == QS_OK)
    st = qs_op_add(1.0, zz, 1.0, hop, &h1);
  if (st == QS_OK)
    st = qs_op_add(1.0, h1, 1.0, drive, out);
  qs_op_destroy(&exch);
  qs_op_destroy(&exch_h);
  qs_op_destroy(&hop);
  qs_op_destroy(&drive);
  qs_op_destroy(&zz);
  qs_op_destroy(&h1);
  return st;
}

/* Observables: 4 spin components, at most 3 tensors per spin, 2 dressed
 * coherences. */
#define OSC_MAX_OBS 12
#define OSC_MAX_TENSOR_RANK 2

/* Phase-sensitive spherical tensors T^k_q (k <= 2, q = 1..k) of each spin:
 * the multipoles of the Q function's phi dependence (Appendix A). */
static qs_status add_tensor_observables(qs_model *m, int two_s)
{
  const char *suffix[2] = {"A", "B"};
  for (int j = 0; j < 2; j++)
    for (int k = 1; k <= two_s && k <= OSC_MAX_TENSOR_RANK; k++)
      for (int q = 1; q <= k; q++) {
        qs_op *t = NULL;
        qs_status st = spin_tensor_op(&m->space, two_s, j, k, q, &t);
        if (st != QS_OK)
          return st;
        char name[QS_MODEL_MAX_NAME];
        snprintf(name, sizeof name, "T%d_%d_%s", k, q, suffix[j]);
        qs_model_add_observable(m, t, name);
      }
  return QS_OK;
}

/* Qubits: the dressed-basis coherences of Fig. 6(b), <T|rho|U> =
 * Tr(rho |U><T|) and <T|rho|D> = Tr(rho |D><T|), with |U> = |up up>,
 * |D> = |down down>, |T> = (|up down> + |down up>)/sqrt2 (basis index
 * 2 iA + iB, index 0 = up). */
static qs_status add_dressed_coherences(qs_model *m)
{
  const qs_index row[2][2] = {{0, 0}, {3, 3}}, col[2] = {1, 2};
  const double complex val[2] = {sqrt(0.5), sqrt(0.5)};
  const char *names[2] = {"coh_TU", "coh_TD"};
  for (int c = 0; c < 2; c++) {
    qs_op *op = NULL;
    qs_status st = qs_op_from_triplets(4, 2, row[c], col, val, &op);
    if (st != QS_OK)
      return st;
    qs_model_add_observable(m, op, names[c]);
  }
  return QS_OK;
}

static qs_status qubit_osc_build(const double *p, qs_model *m, char *msg, size_t msglen)
{
  double two_s_real = 2.0 * p[OSC_SPIN];
  int two_s = (int)lround(two_s_real);
  if (fabs(two_s_real - two_s) > 1e-12 || two_s < 1) {
    qs_set_message(msg, msglen, "spin = %g: expected a positive multiple of 1/2",
            p[OSC_SPIN]);
    return QS_ERR_INVALID;
  }
  qs_index dims[2] = {two_s + 1, two_s + 1};
  qs_status st = qs_space_init(&m->space, 2, dims);
  if (st != QS_OK)
    return st;
  m->space.role[0] = m->space.role[1] = QS_ROLE_SPIN;

  qs_op *sz[2] = {NULL, NULL}, *sp[2] = {NULL, NULL}, *sm[2] = {NULL, NULL};
  for (int j = 0; j < 2 && st == QS_OK; j++) {
    st = qs_model_spin_op(&m->space, two_s, j, QS_SPIN_Z, &sz[j]);
    if (st == QS_OK)
      st = qs_model_spin_op(&m->space, two_s, j, QS_SPIN_PLUS, &sp[j]);
    if (st == QS_OK)
      st = qs_model_spin_op(&m->space, two_s, j, QS_SPIN_MINUS, &sm[j]);
  }
  if (st == QS_OK)
    st = qubit_osc_hamiltonian(p, sz, sp, sm, &m->H);

  m->c = calloc(6, sizeof *m->c);
  m->c_names = calloc(6, sizeof *m->c_names);
  m->obs = calloc(OSC_MAX_OBS, sizeof *m->obs);
  m->obs_names = calloc(OSC_MAX_OBS, sizeof *m->obs_names);
  if (!m->c || !m->c_names || !m->obs || !m->obs_names)
    st = QS_ERR_NOMEM;

  const char *suffix[2] = {"A", "B"};
  const double gain[2] = {p[OSC_W_A], p[OSC_W_B]};
  const double loss[2] = {p[OSC_GAMMA_A], p[OSC_GAMMA_B]};
  for (int j = 0; j < 2 && st == QS_OK; j++) {
    char name[QS_MODEL_MAX_NAME];
    qs_op *copy = NULL;
    if (gain[j] > 0.0 && (st = qs_op_copy(sp[j], &copy)) == QS_OK) {
      snprintf(name, sizeof name, "gain_%s", suffix[j]);
      st = qs_model_add_collapse(m, gain[j], copy, name);
    }
    if (st == QS_OK && loss[j] > 0.0 && (st = qs_op_copy(sm[j], &copy)) == QS_OK) {
      snprintf(name, sizeof name, "loss_%s", suffix[j]);
      st = qs_model_add_collapse(m, loss[j], copy, name);
    }
    if (st == QS_OK && p[OSC_GAMMA_PHI] > 0.0 &&
        (st = qs_op_copy(sz[j], &copy)) == QS_OK) {
      snprintf(name, sizeof name, "dephasing_%s", suffix[j]);
      st = qs_model_add_collapse(m, 2.0 * p[OSC_GAMMA_PHI], copy, name);
    }
  }
  if (st == QS_OK) {
    /* The model takes ownership of these four; the rest are freed below. */
    qs_model_add_observable(m, sp[0], "Sp_A");
    qs_model_add_observable(m, sp[1], "Sp_B");
    qs_model_add_observable(m, sz[0], "Sz_A");
    qs_model_add_observable(m, sz[1], "Sz_B");
    sp[0] = sp[1] = sz[0] = sz[1] = NULL;
    st = add_tensor_observables(m, two_s);
  }
  if (st == QS_OK && two_s == 1)
    st = add_dressed_coherences(m);
  for (int j = 0; j < 2; j++) {
    qs_op_destroy(&sz[j]);
    qs_op_destroy(&sp[j]);
    qs_op_destroy(&sm[j]);
  }
  if (st != QS_OK)
    return st;

  /* Both spins down: index of m = -S in each factor is 2S. */
  m->psi0 = calloc((size_t)m->space.total, sizeof *m->psi0);
  if (!m->psi0)
    return QS_ERR_NOMEM;
  m->psi0[(dims[0] - 1) * dims[1] + (dims[1] - 1)] = 1.0;
  m->u1_charge = malloc((size_t)m->space.total * sizeof *m->u1_charge);
  if (!m->u1_charge)
    return QS_ERR_NOMEM;
  for (qs_index a = 0; a < dims[0]; a++)
    for (qs_index b = 0; b < dims[1]; b++)
      m->u1_charge[a * dims[1] + b] = (int)(two_s - a - b); /* m_A + m_B */
  return QS_OK;
}

const qs_model_type qs_qubit_osc_type = {
  .name = "qubit_osc",
  .summary = "two spin-S oscillators with gain/loss baths, weak drive on A",
  .n_params = OSC_N_PARAMS,
  .params = qubit_osc_params,
  .drive_param = "eps",
  .coupling_param = "g",
  .build = qubit_osc_build,
  .capabilities = QS_MODEL_CAP_SPIN_PAIR,
};
