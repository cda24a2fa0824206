/* qsync — models: Hilbert space, Hamiltonian, collapse operators,
 * observables, and the built-in model constructors.
 *
 * A model is the complete input of both the trajectory engine and the
 * Lindblad solvers:
 *   H(t) = H0 + sum_k f_k(t) H_k,   collapse operators c_j,
 *   d rho/dt = -i[H, rho] + sum_j D[c_j] rho,
 *   D[c] rho = c rho c^dag - (c^dag c rho + rho c^dag c)/2   (hbar = 1).
 * Fields of qs_model are read-only for users; create it with
 * qs_model_create() and free it with qs_model_destroy().
 *
 * Built-in model "qubit_osc" (two-qubit-oscillator paper, Eq. 4 and C1):
 * two spins A, B of size S (subsystem 0 is A, 1 is B), frequencies and
 * rates in units of the total relaxation rate Gamma = w + gamma, drive frame:
 *   H = delta_d SzA + (delta_d + delta_q) SzB + (g/2)(S+A S-B + S-A S+B)
 *       + (eps/2)(S+A + S-A)
 *   c = sqrt(w_A) S+A, sqrt(gamma_A) S-A, sqrt(w_B) S+B, sqrt(gamma_B) S-B,
 *       sqrt(2 gamma_phi) SzA, sqrt(2 gamma_phi) SzB   (zero rates dropped).
 * Observables: Sp_A = <S+A>, Sp_B = <S+B>, Sz_A, Sz_B, and the
 * phase-sensitive spherical tensors Tk_q_A, Tk_q_B (k = 1..2S, q = 1..k;
 * T1_1 = -S+ for qubits; see qs_op_spin_tensor).  The undriven model
 * (eps = 0) conserves the total S^z: u1_charge.
 * Initial state of trajectories: both spins down (m = -S).
 * Roles: QS_ROLE_SPIN, QS_ROLE_SPIN; capability QS_MODEL_CAP_SPIN_PAIR.
 *
 * Built-in model "cavity_qubits" (driven-resonator paper, Eqs. 1-5): a
 * cavity (subsystem 0, ncav levels) and nqubits qubits (subsystems 1..N,
 * index 0 = up), units of the coupling lambda = 1, drive frame.
 *   frame = rwa (Eq. 3):  H = -domega a^dag a + sum_l (Delta_l - domega)/2 sz_l
 *                             + sum_l (a s+_l + a^dag s-_l) + F (a + a^dag)
 *   frame = lab (Eq. 1):  H(t) = omega0 a^dag a + sum_l Omega_l/2 sz_l
 *                             + sum_l sx_l (a + a^dag) + 2F (a + a^dag) cos(omega t),
 *     integrated exactly (no RWA) in the frame rotating at omega = omega0 +
 *     domega: H(t) = H_rwa + cos(2 omega t)(X + X^dag) + sin(2 omega t) i(X - X^dag)
 *     with X = sum_l s+_l a^dag + F a^dag, so every reported value is
 *     already in the drive frame (the lab-frame operators rotated back).
 *   c = sqrt(gamma) a, sqrt(gamma_s) s-_l.
 * Observables: a, n, P_top (population of the top cavity level), Sx_l,
 * Sy_l, Sz_l (S = sigma/2, l from 1), Sx, Sy, Sz (sums); with two or more
 * qubits also XX_12 .. ZZ_12 (<sigma_i^(1) sigma_j^(2)>), S2 = <(S_1 +
 * S_2)^2> and singlet (singlet probability of qubits 1, 2), and the derived
 * negativity and chsh (maximal Bell-CHSH value) of that pair's state.
 * displace = on keeps ncav levels of b = a - alpha0 instead of photon
 * numbers, alpha0 = -i F / (gamma/2 - i domega) the empty cavity's
 * coherent amplitude (Eq. 36): exact, with the drive moved onto the
 * qubits (alpha0 s+_l + h.c.), and far fewer levels for strong drives.
 * Initial state: vacuum (of b when displaced), all qubits down.  The undriven RWA model conserves
 * photons + excited qubits (u1_charge).
 * Roles: QS_ROLE_BOSON (the cavity, truncated by "ncav"), then one
 * QS_ROLE_SPIN (S = 1/2) per qubit; drive period 2 pi / (omega0 + domega);
 * photon distributions unless displaced or without qubits.
 *
 * Built-in model "transmon" (two-qubit-oscillator paper, Appendix E):
 * transmons A, B (levels_q levels, |g> = 0) each with an auxiliary
 * resonator (levels_r levels); subsystems A, resonator A, B, resonator B.
 * Keys are cyclic frequencies in MHz or kHz, the model works in rad/us
 * (time in us).  Integrated in the frame of the two-photon pumps (E1):
 *   H0 = sum_j [(w_qj - w_pj) nb_j - (alpha_j/2) nb_j (nb_j - 1)
 *               + (w_aj - w_pj) na_j + g_j (a_j b_j^dag + h.c.)
 *               + Omega_pj (b_j + b_j^dag)],   w_qj = 2 pi (f_qj - Delta_j/1000),
 *   H(t) = H0 + g (e^{i dp t} bA^dag bB + h.c.) + eps (e^{i dd t} bA + h.c.),
 *   dp = w_pA - w_pB, dd = w_d - w_pA, w_d = 2 pi (f_qA + detuning_d/1000)
 * (a pair with frequency 0 goes into H0, one with strength 0 is dropped);
 *   c = sqrt(kappa_j) a_j, sqrt(gamma0_j) b_j, sqrt(gamma_phi_j) nb_j.
 * Reported in the weak drive's frame (frame_rate R_i = (w_d - w_pA)(nbA +
 * naA) + (w_d - w_pB)(nbB + naB)), where the drive is eps (bA + bA^dag).
 * Observables: Sp_A, Sp_B (|e><g|), Pg_*, Pe_*, Pf_* (levels_q >= 3),
 * na_A, na_B, P_top (either resonator in its top level; 0 without
 * resonators).  The parameter column selects a preset (Table II) in run
 * files; see include/qsync/transmon.h for the basis index and the qubit
 * projection.  Initial state: all ground, resonators empty.
 * Roles: QS_ROLE_OTHER (transmon A: anharmonic levels, a model choice
 * rather than a truncation), QS_ROLE_BOSON (resonator A, truncated by
 * "levels_r"), QS_ROLE_OTHER, QS_ROLE_BOSON; capability
 * QS_MODEL_CAP_TRANSMON_PAIR.
 *
 * Thread safety: a built model is immutable and may be shared by threads.
 */
#ifndef QSYNC_MODEL_H
#define QSYNC_MODEL_H

#include <stddef.h>

#include "qsync/op.h"

/* Coefficient f_k(t) of a time-dependent Hamiltonian term. */
typedef double complex (*qs_coeff_fn)(double t, const void *data);

/* One tunable model parameter as the run file sees it. */
typedef struct {
  const char *key;      /* run-file key in section [model], e.g. "w_A" */
  const char *unit;     /* unit, e.g. "Gamma" */
  double default_value;
  double min, max;      /* allowed closed range */
  const char *help;     /* one-line meaning */
  const char *choices;  /* NULL for a number; else the words ("rwa|lab")
                           the run file accepts, stored as their index */
} qs_param_spec;

/* A built model (struct qs_model below). */
typedef struct qs_model qs_model;

/* Nonlinear functions of the observables' expectation values (e.g. the
 * negativity of a qubit pair from its Pauli correlators): obs holds the
 * model's n_obs values in table order, out receives n_derived numbers. */
typedef void (*qs_derived_fn)(const qs_model *model, const double complex *obs,
                              double *out);
/* A named set of parameter values selected by a `choices` parameter
 * (e.g. transmon's column = fig10a sets eps, Omega_pA, ... from the
 * paper's Table II).  Presets are applied by the run-file reader, before
 * and beneath the keys the run file sets itself: a key given explicitly
 * wins whatever its position (see qs_model_apply_preset).  The model
 * constructor ignores the selecting parameter's value. */
#define QS_PRESET_MAX_VALUES 8
typedef struct {
  const char *param;       /* the choices parameter, e.g. "column" */
  int choice;              /* its value (index of the word in choices) */
  int n_values;            /* 1..QS_PRESET_MAX_VALUES */
  const char *keys[QS_PRESET_MAX_VALUES];
  double values[QS_PRESET_MAX_VALUES];
} qs_model_preset;

/* Constructor of a model type: fill m (zeroed, with m->type and
 * m->param_values set; values already checked against the table's ranges)
 * from values in table order: space (every role set), H, collapse
 * operators, observables, psi0 and the optional fields.  Arrays are
 * malloc'd (qs_model_destroy frees each with free, operators with
 * qs_op_destroy); m->cavity_top_obs starts at -1.  On failure return the
 * status (QS_ERR_INVALID with msg naming the parameter); qs_model_create
 * frees whatever was attached to m.  tests/test_model_example.c is a
 * complete type written outside the library. */
typedef qs_status (*qs_model_build_fn)(const double *values, qs_model *m, char *msg,
                                       size_t msglen);

/* Period 2 pi / omega of the model's drive at its parameters (time units
 * of the model), or 0 when this instance has no drive frequency. */
typedef double (*qs_model_period_fn)(const qs_model *m);

/* Photon-number distributions of rho with the first qubit up and down
 * (see qs_model_photon_distribution).  With rho NULL only say whether this
 * instance has them: QS_OK or QS_ERR_INVALID. */
typedef qs_status (*qs_model_photon_fn)(const qs_model *m, const double complex *rho,
                                        double *p_up, double *p_down);

/* Capabilities: what generic code may assume about a type beyond roles. */
enum {
  /* Two spin-S oscillators A, B (subsystems 0, 1) with qubit_osc's keys
   * spin, w_A, gamma_A, w_B, gamma_B, g, delta_d, delta_q, eps, gamma_phi
   * in its meaning (Eq. 4): the weak-drive series of weakdrive.h applies. */
  QS_MODEL_CAP_SPIN_PAIR = 1u << 0,
  /* Two transmons with auxiliary resonators in the layout of transmon.h
   * (subsystems transmon A, resonator A, transmon B, resonator B) and the
   * transmon keys: qs_transmon_index, qs_transmon_qubit_state, the
   * effective qubit rates (rates.h) and the mapping onto qubit_osc. */
  QS_MODEL_CAP_TRANSMON_PAIR = 1u << 1
};

/* A model type: its parameter table, its constructor and its hooks.  The
 * built-in types are listed in the registry of model.c (one line each);
 * more can be added at run time with qs_model_type_register. */
typedef struct {
  const char *name;             /* value of [model] name (unique,
                                   case-insensitive, < QS_MODEL_MAX_NAME) */
  const char *summary;
  int n_params;                 /* 0..QS_MODEL_MAX_PARAMS */
  const qs_param_spec *params;  /* n_params entries */
  const char *drive_param;      /* the weak drive's strength (Omega: drive
                                   off = this parameter set to 0), or NULL */
  const char *coupling_param;   /* the coupling whose effect R = Omega(g) /
                                   Omega(0) measures, or NULL */
  int n_presets;                /* entries of presets (0: none) */
  const qs_model_preset *presets;
  qs_model_build_fn build;      /* the constructor (required) */
  unsigned capabilities;        /* QS_MODEL_CAP_* flags, 0 for none */
  const char *truncation_key;   /* the parameter setting the levels of the
                                   QS_ROLE_BOSON subsystems (e.g. "ncav"),
                                   NULL when no mode is truncated */
  qs_model_period_fn drive_period;        /* NULL: no drive frequency */
  qs_model_photon_fn photon_distribution; /* NULL: no photon numbers */
} qs_model_type;

#define QS_MODEL_MAX_NAME 32
#define QS_MODEL_MAX_PARAMS 64

struct qs_model {
  const qs_model_type *type;
  double *param_values;     /* type->n_params values, table order */
  qs_space space;
  qs_op *H;                 /* time-independent part H0 */
  int n_td;                 /* number of time-dependent terms (0 for qubit_osc) */
  qs_op **H_td;             /* H_k */
  qs_coeff_fn *f_td;        /* f_k */
  const void *f_data;       /* passed to every f_k */
  int n_c;                  /* collapse operators */
  qs_op **c;
  char (*c_names)[QS_MODEL_MAX_NAME];
  int n_obs;                /* observables: complex <O> */
  qs_op **obs;
  char (*obs_names)[QS_MODEL_MAX_NAME];
  double complex *psi0;     /* initial pure state, normalized, space.total */
  int *u1_charge;           /* space.total U(1) labels of the basis states
                               (qubit_osc: total S^z = m_A + m_B = 2S - iA
                               - iB), or NULL if the undriven model has no
                               such symmetry */
  int n_derived;            /* quantities computed from observable values */
  char (*derived_names)[QS_MODEL_MAX_NAME];
  qs_derived_fn derived;    /* NULL when n_derived = 0 */
  int cavity_top_obs;       /* index of the observable "P_top" (population
                               of the highest level of the truncated
                               QS_ROLE_BOSON modes, the truncation check),
                               -1 if no mode is truncated; read it through
                               qs_model_truncation */
  double *frame_rate;       /* space.total rates R_i of the reporting frame,
                               or NULL (report in the integration frame).
                               The model is integrated in one frame (e.g.
                               transmon: the pumps' frame) and reported in
                               another (transmon: the weak drive's):
                               psi_rep,i(t) = exp(i t R_i) psi_i(t),
                               rho_rep,ij(t) = exp(i t (R_i - R_j)) rho_ij(t),
                               i.e. V(t) = exp(i t diag(R)).  qs_mesolve and
                               the trajectory ensembles apply V before every
                               observable and density matrix they report;
                               the steady-state solvers (time-independent
                               H only) report the integration frame's state.
                               Owned by the model. */
  double period;            /* T > 0 when H(t) and the reporting frame are
                               T-periodic (periodic.h, [mesolve] initial =
                               periodic), else 0 (transmon: also 0 when the
                               common period exceeds 1 us) */
};

/* ---- the registry of model types ---------------------------------------
 * The built-in types (qubit_osc, cavity_qubits, transmon) come first, then
 * the registered ones in registration order.  Lookups are reentrant; the
 * registry itself is process-wide state: register (and unregister) only
 * while no other thread uses the model functions, e.g. at start-up. */

/* Most types in the registry (built-in and registered). */
#define QS_MODEL_MAX_TYPES 32

/* Number of model types and the i-th of them (NULL outside 0..count-1). */
int qs_model_type_count(void);
const qs_model_type *qs_model_type_get(int i);

/* The model type called `name` (case-insensitive), NULL if none. */
const qs_model_type *qs_model_type_find(const char *name);

/* Add `type` (not copied: it must outlive its registration; a static
 * const table as the built-ins' is the usual case).  QS_ERR_INVALID with a
 * message when the type is incomplete or inconsistent (no name or build
 * function, a name already registered, a parameter whose default is out
 * of its range, a drive/coupling/truncation key or preset key that is not
 * a parameter) or the registry holds QS_MODEL_MAX_TYPES types. */
qs_status qs_model_type_register(const qs_model_type *type, char *msg, size_t msglen);

/* Remove a type added by qs_model_type_register (QS_ERR_INVALID for a
 * built-in or unknown type).  Models already built keep a pointer to it. */
qs_status qs_model_type_unregister(const qs_model_type *type);

/* 1 when `type` has every capability flag in `caps`, else 0. */
int qs_model_type_has(const qs_model_type *type, unsigned caps);

/* Index of `key` (case-insensitive) in type->params, or -1. */
int qs_model_param_index(const qs_model_type *type, const char *key);

/* Fill values[] (type->n_params) with the defaults. */
void qs_model_defaults(const qs_model_type *type, double *values);

/* Build a model of `type` from parameter values in table order.
 * Values are checked against their ranges and the model's own constraints
 * (e.g. 2S integer); on QS_ERR_INVALID, msg (if not NULL) says which
 * parameter and what is allowed.  *out is NULL on failure. */
qs_status qs_model_create(const qs_model_type *type, const double *values,
                          qs_model **out, char *msg, size_t msglen);

/* Free; accepts NULL and NULLs *model. */
void qs_model_destroy(qs_model **model);

/* Effective Hamiltonian of the time-independent part,
 * H_eff = H0 - (i/2) sum_j c_j^dag c_j (trajectories, the master equation,
 * and A = i H_eff of the Sylvester splitting). */
qs_status qs_model_effective_hamiltonian(const qs_model *model, qs_op **out);

/* Index of the observable `name` or -1. */
int qs_model_obs_index(const qs_model *model, const char *name);

/* Index of the observable `name` or, when it is missing, QS_ERR_INVALID
 * with a message naming it and the model (generic code that needs an
 * observable, e.g. scan's Sp_A, Sp_B, asks for it by name, never by
 * position).  *index is -1 on failure. */
qs_status qs_model_require_obs(const qs_model *model, const char *name, int *index,
                               char *msg, size_t msglen);

/* ---- generic views of a model (no code outside a model's own file tests
 * a model's name) ------------------------------------------------------- */

/* Index of the k-th subsystem (k = 0, 1, ...) whose role is `role`, or -1. */
int qs_model_find_role(const qs_model *model, qs_role role, int k);

/* Number of subsystems whose role is `role`. */
int qs_model_count_role(const qs_model *model, qs_role role);

/* The truncation check: the top level (levels - 1) of the first truncated
 * QS_ROLE_BOSON mode, or -1 when the model truncates no mode.  When it is
 * >= 0, *p_top_obs (may be NULL) receives the index of the observable
 * "P_top" (population of the top level of every truncated mode) and
 * *levels_key (may be NULL) the [model] key that sets the levels (e.g.
 * "ncav", "levels_r"); else they receive -1 and NULL. */
qs_index qs_model_truncation(const qs_model *model, int *p_top_obs,
                             const char **levels_key);

/* Period 2 pi / omega of the drive (model time units), e.g. the averaging
 * window unit of mesolve; 0 when the model has no drive frequency
 * (qubit_osc and transmon, both reported in their drive's frame, and
 * cavity_qubits with omega0 + domega <= 0). */
double qs_model_drive_period(const qs_model *model);

/* Number of photon-number entries of qs_model_photon_distribution for this
 * model (the cavity levels), 0 when it has none (no cavity, no qubit, a
 * displaced cavity, or a type without photon numbers). */
qs_index qs_model_photon_levels(const qs_model *model);

/* Photon-number distributions of a state rho (dim*dim, column-major) with
 * the first qubit up and down: p_up[n] = <n,up|rho_c1|n,up>, p_down
 * likewise (qs_model_photon_levels entries each; the other subsystems
 * traced out).  QS_ERR_INVALID when the model has none (see above). */
qs_status qs_model_photon_distribution(const qs_model *model, const double complex *rho,
                                       double *p_up, double *p_down);

/* Same as qs_model_photon_distribution (the name the CLI calls). */
qs_status qs_cavity_photon_distribution(const qs_model *model, const double complex *rho,
                                        double *p_up, double *p_down);

/* The reporting frame (see frame_rate): psi_i *= exp(i t R_i) in place,
 * and out_ij = exp(i t (R_i - R_j)) rho_ij (rho and out column-major,
 * space.total^2 entries, may be the same array).  Without frame_rate psi
 * is left alone and rho copied. */
void qs_model_frame_state(const qs_model *model, double t, double complex *psi);
void qs_model_frame_rho(const qs_model *model, double t, const double complex *rho,
                        double complex *out);

/* Apply the preset that parameter `param_index` of `type` selects with
 * its value `choice` (nothing if no preset matches, e.g. "none"): every
 * key of the preset whose explicit[] flag is 0 gets the preset's value.
 * explicit (type->n_params flags, or NULL for none set) marks the keys a
 * run file or command line gave explicitly. */
void qs_model_apply_preset(const qs_model_type *type, int param_index, int choice,
                           double *values, const unsigned char *explicit_keys);

/* Value of parameter `key` of a built model (NaN if unknown key). */
double qs_model_param(const qs_model *model, const char *key);

#endif
