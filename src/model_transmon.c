/* Built-in model "transmon": two transmons with two-photon pumps and lossy
 * auxiliary resonators (two-qubit-oscillator paper, Appendix E, Eqs. E1,
 * E2, Tables I and II); see include/qsync/model.h, include/qsync/transmon.h
 * and docs/models.md (transmon).
 *
 * Units: keys in MHz or kHz hold cyclic frequencies f = omega / 2 pi; the
 * model works in rad/us (omega = 2 pi f[MHz] = 2 pi f[kHz] / 1000), time
 * in us.  Integration frame: the pumps' (E1); reporting frame: the weak
 * drive's (frame_rate). */
#include "message_impl.h"
#include "model_impl.h"
#include "qsync/transmon.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  TR_LEVELS_Q, TR_LEVELS_R, TR_COLUMN,
  TR_F_QA, TR_F_QB, TR_DELTA_A, TR_DELTA_B, TR_F_AA, TR_F_AB,
  TR_ALPHA_A, TR_ALPHA_B, TR_F_PA, TR_F_PB, TR_OMEGA_PA, TR_OMEGA_PB,
  TR_G_A, TR_G_B, TR_KAPPA_A, TR_KAPPA_B, TR_GAMMA0_A, TR_GAMMA0_B,
  TR_GAMMA_PHI_A, TR_GAMMA_PHI_B, TR_G, TR_EPS, TR_DETUNING_D, TR_N
};

#define TWO_PI 6.283185307179586476925286766559

static const qs_param_spec transmon_params[TR_N] = {
  [TR_LEVELS_Q] = {"levels_q", "1", 3, 2, 10, "transmon levels kept (|g>, |e>, |f>, ...)", NULL},
  [TR_LEVELS_R] = {"levels_r", "1", 3, 1, 20,
                   "auxiliary-resonator levels kept (1: no resonators)", NULL},
  [TR_COLUMN] = {"column", "-", 0, 0, 3,
                 "Table II preset of eps, Omega_pA, Omega_pB, Delta_A, Delta_B "
                 "(keys set explicitly win)",
                 "none|fig10a|fig10b|fig11b"},
  [TR_F_QA] = {"f_qA", "MHz", 5000, 0, 1e6,
               "shifted g-e frequency of transmon A (bare: f_qA - Delta_A/1000)", NULL},
  [TR_F_QB] = {"f_qB", "MHz", 5000, 0, 1e6,
               "shifted g-e frequency of transmon B (bare: f_qB - Delta_B/1000)", NULL},
  [TR_DELTA_A] = {"Delta_A", "kHz", 0, -1e6, 1e6,
                  "shift of A's g-e transition by pump and resonator (Table II)", NULL},
  [TR_DELTA_B] = {"Delta_B", "kHz", 0, -1e6, 1e6,
                  "shift of B's g-e transition by pump and resonator (Table II)", NULL},
  [TR_F_AA] = {"f_aA", "MHz", 4600, 0, 1e6, "auxiliary resonator A frequency", NULL},
  [TR_F_AB] = {"f_aB", "MHz", 4600, 0, 1e6, "auxiliary resonator B frequency", NULL},
  [TR_ALPHA_A] = {"alpha_A", "MHz", 400, 0, 1e6,
                  "anharmonicity of A: term -(alpha/2) n (n - 1)", NULL},
  [TR_ALPHA_B] = {"alpha_B", "MHz", 500, 0, 1e6,
                  "anharmonicity of B: term -(alpha/2) n (n - 1)", NULL},
  [TR_F_PA] = {"f_pA", "MHz", 4800, 0, 1e6, "two-photon pump frequency on A", NULL},
  [TR_F_PB] = {"f_pB", "MHz", 4750, 0, 1e6, "two-photon pump frequency on B", NULL},
  [TR_OMEGA_PA] = {"Omega_pA", "MHz", 0, 0, 1e6,
                   "pump Rabi frequency on A: term Omega_pA (b + b^dag)", NULL},
  [TR_OMEGA_PB] = {"Omega_pB", "MHz", 0, 0, 1e6,
                   "pump Rabi frequency on B: term Omega_pB (b + b^dag)", NULL},
  [TR_G_A] = {"g_A", "MHz", 8, 0, 1e6, "transmon A - resonator A coupling", NULL},
  [TR_G_B] = {"g_B", "MHz", 4, 0, 1e6, "transmon B - resonator B coupling", NULL},
  [TR_KAPPA_A] = {"kappa_A", "MHz", 60, 0, 1e6,
                  "resonator A loss rate (collapse sqrt(kappa) a)", NULL},
  [TR_KAPPA_B] = {"kappa_B", "MHz", 60, 0, 1e6,
                  "resonator B loss rate (collapse sqrt(kappa) a)", NULL},
  [TR_GAMMA0_A] = {"gamma0_A", "kHz", 53, 0, 1e6,
                   "transmon A loss rate (collapse sqrt(gamma0) b)", NULL},
  [TR_GAMMA0_B] = {"gamma0_B", "kHz", 53, 0, 1e6,
                   "transmon B loss rate (collapse sqrt(gamma0) b)", NULL},
  [TR_GAMMA_PHI_A] = {"gamma_phi_A", "kHz", 0, 0, 1e6,
                      "transmon A dephasing (collapse sqrt(gamma_phi) b^dag b)", NULL},
  [TR_GAMMA_PHI_B] = {"gamma_phi_B", "kHz", 0, 0, 1e6,
                      "transmon B dephasing (collapse sqrt(gamma_phi) b^dag b)", NULL},
  [TR_G] = {"g", "kHz", 0, -1e6, 1e6,
            "transmon-transmon coupling g (bA^dag bB e^{i(w_pA - w_pB)t} + h.c.)", NULL},
  [TR_EPS] = {"eps", "kHz", 20, 0, 1e6, "weak drive on A: eps (bA + bA^dag) in its frame", NULL},
  [TR_DETUNING_D] = {"detuning_d", "kHz", 0, -1e6, 1e6,
                     "drive frequency f_d = f_qA + detuning_d / 1000", NULL},
};

/* Table II: eps (kHz), Omega_pA, Omega_pB (MHz), Delta_A, Delta_B (kHz). */
#define TABLE_II(choice, eps, opa, opb, da, db)                                   \
  {"column", choice, 5, {"eps", "Omega_pA", "Omega_pB", "Delta_A", "Delta_B"},   \
   {eps, opa, opb, da, db}}
static const qs_model_preset transmon_presets[] = {
  TABLE_II(1, 20, 0.0, 8.0, 160, 1013.72),
  TABLE_II(2, 20, 5.5, 9.0, 763.3, 1230),
  TABLE_II(3, 40, 7, 4.1, 1135, 300),
};

static double mhz(double f)
{
  return TWO_PI * f;
}

static double khz(double f)
{
  return TWO_PI * f / 1000.0;
}

/* Angular frequencies (rad/us) the coefficients and the frame need. */
static double drive_omega(const double *p)
{
  return mhz(p[TR_F_QA]) + khz(p[TR_DETUNING_D]);
}

static double pump_difference(const double *p)  /* dp = w_pA - w_pB */
{
  return mhz(p[TR_F_PA]) - mhz(p[TR_F_PB]);
}

static double drive_offset(const double *p)  /* dd = w_d - w_pA */
{
  return drive_omega(p) - mhz(p[TR_F_PA]);
}

static double complex phase(double x)
{
  return CMPLX(cos(x), sin(x));
}

/* f_0 = g e^{+i dp t} (bA^dag bB), f_1 = g e^{-i dp t} (bB^dag bA),
 * f_2 = eps e^{+i dd t} (bA), f_3 = eps e^{-i dd t} (bA^dag); the model's
 * f_data is its param_values. */
static double complex coupling_up(double t, const void *data)
{
  const double *p = data;
  return khz(p[TR_G]) * phase(pump_difference(p) * t);
}

static double complex coupling_down(double t, const void *data)
{
  const double *p = data;
  return khz(p[TR_G]) * phase(-pump_difference(p) * t);
}

static double complex drive_lower(double t, const void *data)
{
  const double *p = data;
  return khz(p[TR_EPS]) * phase(drive_offset(p) * t);
}

static double complex drive_raise(double t, const void *data)
{
  const double *p = data;
  return khz(p[TR_EPS]) * phase(-drive_offset(p) * t);
}

/* Quantum numbers of basis state i: n[0] = nbA, n[1] = naA, n[2] = nbB,
 * n[3] = naB. */
static void numbers_of(const qs_space *space, qs_index i, int n[4])
{
  for (int s = 3; s >= 0; s--) {
    n[s] = (int)(i % space->dims[s]);
    i /= space->dims[s];
  }
}

/* Diagonal operator with entries d[i] (takes nothing over; zeros dropped). */
static qs_status diagonal_op(qs_index dim, const double *d, qs_op **out)
{
  qs_index *idx = malloc((size_t)dim * sizeof *idx);
  double complex *val = malloc((size_t)dim * sizeof *val);
  qs_status st = idx && val ? QS_OK : QS_ERR_NOMEM;
  for (qs_index i = 0; i < dim && st == QS_OK; i++) {
    idx[i] = i;
    val[i] = d[i];
  }
  if (st == QS_OK)
    st = qs_op_from_triplets(dim, dim, idx, idx, val, out);
  free(idx);
  free(val);
  return st;
}

typedef struct {
  qs_op *b[2], *bd[2];   /* transmon A, B lowering / raising */
  qs_op *a[2], *ad[2];   /* resonator A, B */
} transmon_ops;

static void ops_free(transmon_ops *o)
{
  for (int j = 0; j < 2; j++) {
    qs_op_destroy(&o->b[j]);
    qs_op_destroy(&o->bd[j]);
    qs_op_destroy(&o->a[j]);
    qs_op_destroy(&o->ad[j]);
  }
}

static qs_status embed_boson(const qs_space *space, int which, qs_op **op, qs_op **dag)
{
  qs_op *local = NULL;
  qs_status st = qs_op_destroy_boson(space->dims[which], &local);
  if (st == QS_OK)
    st = qs_op_embed(space, which, local, op);
  qs_op_destroy(&local);
  if (st == QS_OK)
    st = qs_op_adjoint(*op, dag);
  return st;
}

static qs_status ops_build(const qs_space *space, transmon_ops *o)
{
  memset(o, 0, sizeof *o);
  qs_status st = QS_OK;
  for (int j = 0; j < 2 && st == QS_OK; j++) {
    st = embed_boson(space, 2 * j, &o->b[j], &o->bd[j]);
    if (st == QS_OK)
      st = embed_boson(space, 2 * j + 1, &o->a[j], &o->ad[j]);
  }
  return st;
}

/* Diagonal of H0: sum_j (w_qj - w_pj) nb_j - (alpha_j/2) nb_j (nb_j - 1)
 * + (w_aj - w_pj) na_j, with w_qj the bare frequency f_qj - Delta_j/1000. */
static qs_status diagonal_hamiltonian(const double *p, const qs_space *space, qs_op **out)
{
  const qs_index n = space->total;
  double *d = malloc((size_t)n * sizeof *d);
  if (!d)
    return QS_ERR_NOMEM;
  double wq[2], wp[2], wa[2], al[2];
  for (int j = 0; j < 2; j++) {
    wq[j] = mhz(p[TR_F_QA + j]) - khz(p[TR_DELTA_A + j]);
    wp[j] = mhz(p[TR_F_PA + j]);
    wa[j] = mhz(p[TR_F_AA + j]);
    al[j] = mhz(p[TR_ALPHA_A + j]);
  }
  for (qs_index i = 0; i < n; i++) {
    int q[4];
    numbers_of(space, i, q);
    d[i] = 0.0;
    for (int j = 0; j < 2; j++) {
      const double nb = q[2 * j], na = q[2 * j + 1];
      d[i] += (wq[j] - wp[j]) * nb - 0.5 * al[j] * nb * (nb - 1.0) + (wa[j] - wp[j]) * na;
    }
  }
  qs_status st = diagonal_op(n, d, out);
  free(d);
  return st;
}

/* H0 = diagonal + sum_j [g_j (a_j b_j^dag + a_j^dag b_j) + Omega_pj (b_j +
 * b_j^dag)], plus the coupling and drive pairs whose rotation frequency is
 * zero (f_pA = f_pB, or f_d = f_pA): constant terms belong to H0. */
static qs_status static_hamiltonian(const double *p, const qs_space *space,
                                    const transmon_ops *o, qs_op **H)
{
  qs_status st = diagonal_hamiltonian(p, space, H);
  for (int j = 0; j < 2 && st == QS_OK; j++) {
    const double gj = mhz(p[TR_G_A + j]), om = mhz(p[TR_OMEGA_PA + j]);
    qs_op *hop = NULL, *hop_h = NULL;
    if (gj != 0.0 && space->dims[2 * j + 1] > 1) {
      st = qs_op_mul(o->a[j], o->bd[j], &hop);
      if (st == QS_OK)
        st = qs_op_adjoint(hop, &hop_h);
      if (st == QS_OK)
        st = qs_op_accumulate(H, gj, hop);
      if (st == QS_OK)
        st = qs_op_accumulate(H, gj, hop_h);
    }
    if (st == QS_OK && om != 0.0)
      st = qs_op_accumulate(H, om, o->b[j]);
    if (st == QS_OK && om != 0.0)
      st = qs_op_accumulate(H, om, o->bd[j]);
    qs_op_destroy(&hop);
    qs_op_destroy(&hop_h);
  }
  return st;
}

/* The coupling (g) and drive (eps) pairs: time dependent unless their
 * frequency is zero, then added to H0; dropped when their strength is 0. */
static qs_status rotating_terms(const double *p, const transmon_ops *o, qs_model *m)
{
  qs_op *hop = NULL, *hop_h = NULL;
  qs_status st = qs_op_mul(o->bd[0], o->b[1], &hop);   /* bA^dag bB */
  if (st == QS_OK)
    st = qs_op_adjoint(hop, &hop_h);                    /* bB^dag bA */
  m->H_td = calloc(4, sizeof *m->H_td);
  m->f_td = calloc(4, sizeof *m->f_td);
  if (st == QS_OK && (!m->H_td || !m->f_td))
    st = QS_ERR_NOMEM;
  const double g = khz(p[TR_G]), eps = khz(p[TR_EPS]);
  const qs_op *ops[4] = {hop, hop_h, o->b[0], o->bd[0]};
  const qs_coeff_fn fns[4] = {coupling_up, coupling_down, drive_lower, drive_raise};
  const double strength[4] = {g, g, eps, eps};
  const double freq[4] = {pump_difference(p), pump_difference(p), drive_offset(p),
                          drive_offset(p)};
  for (int k = 0; k < 4 && st == QS_OK; k++) {
    if (strength[k] == 0.0)
      continue;
    if (freq[k] == 0.0) {
      st = qs_op_accumulate(&m->H, strength[k], ops[k]);
      continue;
    }
    st = qs_op_copy(ops[k], &m->H_td[m->n_td]);
    if (st == QS_OK)
      m->f_td[m->n_td++] = fns[k];
  }
  m->f_data = m->param_values;
  qs_op_destroy(&hop);
  qs_op_destroy(&hop_h);
  return st;
}

/* Diagonal observable: entry i is 1 where keep(numbers of i) holds. */
typedef int (*basis_predicate)(const int n[4], int arg, const qs_space *space);

static qs_status add_diagonal_observable(qs_model *m, basis_predicate keep, int arg,
                                         const char *name)
{
  const qs_index n = m->space.total;
  double *d = malloc((size_t)n * sizeof *d);
  if (!d)
    return QS_ERR_NOMEM;
  for (qs_index i = 0; i < n; i++) {
    int q[4];
    numbers_of(&m->space, i, q);
    d[i] = keep(q, arg, &m->space);
  }
  qs_op *op = NULL;
  qs_status st = diagonal_op(n, d, &op);
  free(d);
  if (st == QS_OK)
    qs_model_add_observable(m, op, name);
  return st;
}

/* arg = 3 * transmon (0 A, 1 B) + level */
static int level_is(const int n[4], int arg, const qs_space *space)
{
  (void)space;
  return n[2 * (arg / 3)] == arg % 3;
}

/* Either resonator in its top level (never, without resonators). */
static int resonator_top(const int n[4], int arg, const qs_space *space)
{
  (void)arg;
  const int top = (int)space->dims[1] - 1;
  return top > 0 && (n[1] == top || n[3] == top);
}

static qs_status add_observables(qs_model *m, const transmon_ops *o)
{
  const char *suffix[2] = {"A", "B"};
  const char level_name[3] = {'g', 'e', 'f'};
  const int levels = (int)m->space.dims[0];
  qs_status st = QS_OK;
  /* Sp_j = |e><g|_j */
  for (int j = 0; j < 2 && st == QS_OK; j++) {
    qs_index row = 1, col = 0;
    const double complex one = 1.0;
    qs_op *local = NULL, *sp = NULL;
    st = qs_op_from_triplets(levels, 1, &row, &col, &one, &local);
    if (st == QS_OK)
      st = qs_op_embed(&m->space, 2 * j, local, &sp);
    qs_op_destroy(&local);
    char name[QS_MODEL_MAX_NAME];
    snprintf(name, sizeof name, "Sp_%s", suffix[j]);
    if (st == QS_OK)
      qs_model_add_observable(m, sp, name);
  }
  for (int j = 0; j < 2 && st == QS_OK; j++)
    for (int l = 0; l < 3 && l < levels && st == QS_OK; l++) {
      char name[QS_MODEL_MAX_NAME];
      snprintf(name, sizeof name, "P%c_%s", level_name[l], suffix[j]);
      st = add_diagonal_observable(m, level_is, 3 * j + l, name);
    }
  for (int j = 0; j < 2 && st == QS_OK; j++) {
    qs_op *na = NULL;
    st = qs_op_mul(o->ad[j], o->a[j], &na);
    char name[QS_MODEL_MAX_NAME];
    snprintf(name, sizeof name, "na_%s", suffix[j]);
    if (st == QS_OK)
      qs_model_add_observable(m, na, name);
  }
  if (st == QS_OK) {
    m->cavity_top_obs = m->n_obs;
    st = add_diagonal_observable(m, resonator_top, 0, "P_top");
  }
  return st;
}

/* Drive frame: R_i = (w_d - w_pA)(nbA + naA) + (w_d - w_pB)(nbB + naB). */
static qs_status set_frame(const double *p, qs_model *m)
{
  const qs_index n = m->space.total;
  m->frame_rate = malloc((size_t)n * sizeof *m->frame_rate);
  if (!m->frame_rate)
    return QS_ERR_NOMEM;
  const double wd = drive_omega(p);
  const double ra = wd - mhz(p[TR_F_PA]), rb = wd - mhz(p[TR_F_PB]);
  for (qs_index i = 0; i < n; i++) {
    int q[4];
    numbers_of(&m->space, i, q);
    m->frame_rate[i] = ra * (q[0] + q[1]) + rb * (q[2] + q[3]);
  }
  return QS_OK;
}

/* Common period of the rotating terms and the reporting frame: they turn
 * at dp, dd and dd + dp, so T = 2 pi / gcd(dp, dd) when both are whole
 * numbers of Hz (cyclic); 0 when they are not, or when T exceeds
 * TRANSMON_MAX_PERIOD (one period would then cost as much integration as
 * the relaxation itself: the periodic solver is of no use). */
#define TRANSMON_MAX_PERIOD 1.0 /* us */
static double common_period(const double *p)
{
  double hz[2] = {1e6 * (p[TR_F_PA] - p[TR_F_PB]),
                  1e6 * (p[TR_F_QA] - p[TR_F_PA]) + 1e3 * p[TR_DETUNING_D]};
  long long a = 0, b = 0;
  for (int k = 0; k < 2; k++) {
    double r = round(fabs(hz[k]));
    if (fabs(fabs(hz[k]) - r) > 1e-3 || r > 1e15)
      return 0.0;
    if (k)
      b = (long long)r;
    else
      a = (long long)r;
  }
  while (b != 0) {
    long long t = a % b;
    a = b;
    b = t;
  }
  double period = a > 0 ? 1e6 / (double)a : 0.0; /* us */
  return period <= TRANSMON_MAX_PERIOD ? period : 0.0;
}

static qs_status transmon_build(const double *p, qs_model *m, char *msg, size_t msglen)
{
  qs_status st = qs_model_check_integer(transmon_params, p, TR_LEVELS_Q, msg, msglen);
  if (st == QS_OK)
    st = qs_model_check_integer(transmon_params, p, TR_LEVELS_R, msg, msglen);
  if (st != QS_OK)
    return st;
  const qs_index lq = (qs_index)p[TR_LEVELS_Q], lr = (qs_index)p[TR_LEVELS_R];
  const qs_index dims[4] = {lq, lr, lq, lr};
  st = qs_space_init(&m->space, 4, dims);
  if (st != QS_OK)
    return st;
  /* The transmons' levels are a model choice (levels_q), the resonators'
   * a truncation checked by P_top. */
  const qs_role roles[4] = {QS_ROLE_OTHER, QS_ROLE_BOSON, QS_ROLE_OTHER, QS_ROLE_BOSON};
  memcpy(m->space.role, roles, sizeof roles);
  const int max_obs = 2 + 6 + 2 + 1;
  m->c = calloc(6, sizeof *m->c);
  m->c_names = calloc(6, sizeof *m->c_names);
  m->obs = calloc(max_obs, sizeof *m->obs);
  m->obs_names = calloc(max_obs, sizeof *m->obs_names);
  if (!m->c || !m->c_names || !m->obs || !m->obs_names)
    return QS_ERR_NOMEM;

  transmon_ops o;
  st = ops_build(&m->space, &o);
  if (st == QS_OK)
    st = static_hamiltonian(p, &m->space, &o, &m->H);
  if (st == QS_OK)
    st = rotating_terms(p, &o, m);
  const char *suffix[2] = {"A", "B"};
  for (int j = 0; j < 2 && st == QS_OK; j++) {
    char name[QS_MODEL_MAX_NAME];
    snprintf(name, sizeof name, "resonator_loss_%s", suffix[j]);
    if (lr > 1)
      st = qs_model_add_collapse_copy(m, mhz(p[TR_KAPPA_A + j]), o.a[j], name);
    snprintf(name, sizeof name, "transmon_loss_%s", suffix[j]);
    if (st == QS_OK)
      st = qs_model_add_collapse_copy(m, khz(p[TR_GAMMA0_A + j]), o.b[j], name);
    qs_op *nb = NULL;
    if (st == QS_OK)
      st = qs_op_mul(o.bd[j], o.b[j], &nb);
    snprintf(name, sizeof name, "dephasing_%s", suffix[j]);
    if (st == QS_OK)
      st = qs_model_add_collapse_copy(m, khz(p[TR_GAMMA_PHI_A + j]), nb, name);
    qs_op_destroy(&nb);
  }
  if (st == QS_OK)
    st = add_observables(m, &o);
  ops_free(&o);
  if (st == QS_OK)
    st = set_frame(p, m);
  m->period = common_period(p);
  if (st != QS_OK)
    return st;
  m->psi0 = calloc((size_t)m->space.total, sizeof *m->psi0);
  if (!m->psi0)
    return QS_ERR_NOMEM;
  m->psi0[0] = 1.0;  /* all ground, resonators empty */
  return QS_OK;
}

static int is_transmon(const qs_model *m)
{
  return m && qs_model_type_has(m->type, QS_MODEL_CAP_TRANSMON_PAIR) && m->space.n_sub == 4;
}

qs_index qs_transmon_index(const qs_model *m, int nbA, int naA, int nbB, int naB)
{
  if (!is_transmon(m))
    return -1;
  const int n[4] = {nbA, naA, nbB, naB};
  qs_index i = 0;
  for (int s = 0; s < 4; s++) {
    if (n[s] < 0 || n[s] >= m->space.dims[s])
      return -1;
    i = i * m->space.dims[s] + n[s];
  }
  return i;
}

qs_status qs_transmon_qubit_state(const qs_model *m, const double complex *rho,
                                  double complex rho2[16], double *p_qubit)
{
  if (!is_transmon(m) || !rho || !rho2)
    return QS_ERR_INVALID;
  const qs_index n = m->space.total, lr = m->space.dims[1];
  memset(rho2, 0, 16 * sizeof *rho2);
  /* qubit_osc index 0 = up = |e> (nb = 1), 1 = down = |g> (nb = 0) */
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 4; c++)
      for (int naA = 0; naA < lr; naA++)
        for (int naB = 0; naB < lr; naB++) {
          const qs_index i = qs_transmon_index(m, 1 - r / 2, naA, 1 - r % 2, naB);
          const qs_index j = qs_transmon_index(m, 1 - c / 2, naA, 1 - c % 2, naB);
          rho2[r + 4 * c] += rho[i + j * n];
        }
  double trace = 0.0;
  for (int r = 0; r < 4; r++)
    trace += creal(rho2[r + 4 * r]);
  if (p_qubit)
    *p_qubit = trace;
  if (!(trace > 0.0)) {
    memset(rho2, 0, 16 * sizeof *rho2);
    return QS_ERR_NUMERIC;
  }
  for (int k = 0; k < 16; k++)
    rho2[k] /= trace;
  return QS_OK;
}

const qs_model_type qs_transmon_type = {
  .name = "transmon",
  .summary = "two pumped transmons with auxiliary resonators (Appendix E), MHz / us",
  .n_params = TR_N,
  .params = transmon_params,
  .drive_param = "eps",
  .coupling_param = "g",
  .n_presets = (int)(sizeof transmon_presets / sizeof transmon_presets[0]),
  .presets = transmon_presets,
  .build = transmon_build,
  .capabilities = QS_MODEL_CAP_TRANSMON_PAIR,
  .truncation_key = "levels_r",
};
