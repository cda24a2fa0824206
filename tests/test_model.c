/* qubit_osc against an explicit 4x4 construction of Eq. 4 and C1. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

/* Column-major 2x2 single-qubit matrices in the basis (up, down). */
static const double complex SZ[4] = {0.5, 0, 0, -0.5};
static const double complex SP[4] = {0, 0, 1, 0}; /* |up><down|: row 0, column 1 */
static const double complex SM[4] = {0, 1, 0, 0};
static const double complex ID[4] = {1, 0, 0, 1};

static void kron2(const double complex *a, const double complex *b, double complex *c)
{
  for (int ia = 0; ia < 2; ia++)
    for (int ja = 0; ja < 2; ja++)
      for (int ib = 0; ib < 2; ib++)
        for (int jb = 0; jb < 2; jb++)
          c[(ia * 2 + ib) + (ja * 2 + jb) * 4] = a[ia + ja * 2] * b[ib + jb * 2];
}

static void mul4(const double complex *a, const double complex *b, double complex *c)
{
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      c[i + 4 * j] = 0;
      for (int k = 0; k < 4; k++)
        c[i + 4 * j] += a[i + 4 * k] * b[k + 4 * j];
    }
}

static void test_hamiltonian_eq4(void)
{
  const char *keys[] = {"g", "delta_d", "delta_q", "eps", NULL};
  const double vals[] = {1.3, 0.2, -0.7, 0.15};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(m->space.total, 4);
  double complex szA[16], szB[16], spA[16], smA[16], spB[16], smB[16], t[16], h[16];
  kron2(SZ, ID, szA);
  kron2(ID, SZ, szB);
  kron2(SP, ID, spA);
  kron2(SM, ID, smA);
  kron2(ID, SP, spB);
  kron2(ID, SM, smB);
  for (int i = 0; i < 16; i++)
    h[i] = 0.2 * szA[i] + (0.2 - 0.7) * szB[i] + 0.075 * (spA[i] + smA[i]);
  mul4(spA, smB, t);
  for (int i = 0; i < 16; i++)
    h[i] += 0.65 * t[i];
  mul4(smA, spB, t);
  for (int i = 0; i < 16; i++)
    h[i] += 0.65 * t[i];
  double complex got[16];
  qs_op_to_dense(m->H, got);
  CU_ASSERT(test_max_diff(h, got, 16) < 1e-15);
  /* Gain and loss of each qubit; no dephasing by default. */
  CU_ASSERT_EQUAL(m->n_c, 4);
  qs_op_to_dense(m->c[0], got);
  for (int i = 0; i < 16; i++)
    t[i] = sqrt(0.4) * spA[i];
  CU_ASSERT(test_max_diff(t, got, 16) < 1e-15);
  CU_ASSERT_STRING_EQUAL(m->c_names[3], "loss_B");
  /* Observables and the initial state |down, down>. */
  CU_ASSERT_EQUAL(qs_model_obs_index(m, "Sp_A"), 0);
  CU_ASSERT_EQUAL(qs_model_obs_index(m, "Sz_B"), 3);
  CU_ASSERT_EQUAL(qs_model_obs_index(m, "nope"), -1);
  CU_ASSERT_DOUBLE_EQUAL(creal(m->psi0[3]), 1.0, 0);
  CU_ASSERT_DOUBLE_EQUAL(qs_model_param(m, "G"), 1.3, 0);
  qs_model_destroy(&m);
  CU_ASSERT_PTR_NULL(m);
}

static void test_dephasing_and_spin1(void)
{
  const char *keys[] = {"gamma_phi", "spin", "w_B", NULL};
  const double vals[] = {0.1, 1.0, 0.0};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(m->space.total, 9);
  /* gain_A, loss_A, deph_A, loss_B, deph_B (w_B = 0 is dropped) */
  CU_ASSERT_EQUAL(m->n_c, 5);
  CU_ASSERT_STRING_EQUAL(m->c_names[2], "dephasing_A");
  /* sqrt(2 gamma_phi) Sz for spin 1: top entry sqrt(0.2) * 1 */
  double complex d[81];
  qs_op_to_dense(m->c[2], d);
  CU_ASSERT_DOUBLE_EQUAL(creal(d[0]), sqrt(0.2), 1e-15);
  /* H is Hermitian. */
  qs_op_to_dense(m->H, d);
  CU_ASSERT(qs_hermiticity_error(9, d) < 1e-15);
  CU_ASSERT_DOUBLE_EQUAL(creal(m->psi0[8]), 1.0, 0);
  qs_model_destroy(&m);
}

static void test_invalid_parameters(void)
{
  const qs_model_type *type = qs_model_type_find("QUBIT_OSC");
  CU_ASSERT_PTR_NOT_NULL_FATAL(type);
  CU_ASSERT_PTR_NULL(qs_model_type_find("cavity"));
  double v[QS_RUNFILE_MAX_PARAMS];
  qs_model_defaults(type, v);
  char msg[256] = "";
  qs_model *m = NULL;
  v[qs_model_param_index(type, "spin")] = 0.7;
  CU_ASSERT_EQUAL(qs_model_create(type, v, &m, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "spin"));
  CU_ASSERT_PTR_NULL(m);
  qs_model_defaults(type, v);
  v[qs_model_param_index(type, "gamma_A")] = -1.0;
  CU_ASSERT_EQUAL(qs_model_create(type, v, &m, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "gamma_A"));
  v[qs_model_param_index(type, "gamma_A")] = NAN;
  CU_ASSERT_EQUAL(qs_model_create(type, v, &m, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(qs_model_param_index(type, "unknown"), -1);
}

/* qubit_osc: two spins of size S, nothing truncated, no drive frequency. */
static void test_qubit_osc_roles(void)
{
  const char *keys[] = {"spin", NULL};
  const double vals[] = {1.0};
  qs_model *m = test_qubit_osc(keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  CU_ASSERT_EQUAL(m->space.n_sub, 2);
  for (int j = 0; j < 2; j++) {
    CU_ASSERT_EQUAL(m->space.role[j], QS_ROLE_SPIN);
    CU_ASSERT_EQUAL(m->space.dims[j], 3); /* 2S + 1 */
    CU_ASSERT_EQUAL(qs_model_find_role(m, QS_ROLE_SPIN, j), j);
  }
  CU_ASSERT_EQUAL(qs_model_find_role(m, QS_ROLE_SPIN, 2), -1);
  CU_ASSERT_EQUAL(qs_model_find_role(m, QS_ROLE_BOSON, 0), -1);
  CU_ASSERT_EQUAL(qs_model_count_role(m, QS_ROLE_SPIN), 2);
  int top = 7;
  const char *key = "x";
  CU_ASSERT_EQUAL(qs_model_truncation(m, &top, &key), -1);
  CU_ASSERT_EQUAL(top, -1);
  CU_ASSERT_PTR_NULL(key);
  CU_ASSERT_EQUAL(qs_model_drive_period(m), 0.0);
  CU_ASSERT_EQUAL(qs_model_photon_levels(m), 0);
  double complex rho[81] = {0};
  double p_up[3], p_down[3];
  CU_ASSERT_EQUAL(qs_model_photon_distribution(m, rho, p_up, p_down), QS_ERR_INVALID);
  CU_ASSERT(qs_model_type_has(m->type, QS_MODEL_CAP_SPIN_PAIR));
  CU_ASSERT(!qs_model_type_has(m->type, QS_MODEL_CAP_SPIN_PAIR | QS_MODEL_CAP_TRANSMON_PAIR));
  CU_ASSERT(!qs_model_type_has(NULL, 0));
  CU_ASSERT_EQUAL(qs_transmon_index(m, 0, 0, 0, 0), -1);
  qs_model_destroy(&m);
}

static void test_require_obs(void)
{
  qs_model *m = test_qubit_osc(NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  char msg[256] = "";
  int k = -5;
  CU_ASSERT_EQUAL(qs_model_require_obs(m, "Sz_B", &k, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(k, qs_model_obs_index(m, "Sz_B"));
  CU_ASSERT_STRING_EQUAL(m->obs_names[k], "Sz_B");
  CU_ASSERT_EQUAL(qs_model_require_obs(m, "Sp_C", &k, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_EQUAL(k, -1);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Sp_C"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "qubit_osc"));
  qs_model_destroy(&m);
}

static void test_registry_builtins(void)
{
  const char *names[] = {"qubit_osc", "cavity_qubits", "transmon"};
  CU_ASSERT_FATAL(qs_model_type_count() >= 3);
  for (int i = 0; i < 3; i++) {
    CU_ASSERT_STRING_EQUAL(qs_model_type_get(i)->name, names[i]);
    CU_ASSERT_PTR_EQUAL(qs_model_type_find(names[i]), qs_model_type_get(i));
    CU_ASSERT_PTR_NOT_NULL(qs_model_type_get(i)->build);
    /* Built-ins cannot be removed. */
    CU_ASSERT_EQUAL(qs_model_type_unregister(qs_model_type_get(i)), QS_ERR_INVALID);
  }
  CU_ASSERT_PTR_NULL(qs_model_type_get(-1));
  CU_ASSERT_PTR_NULL(qs_model_type_get(qs_model_type_count()));
  CU_ASSERT_PTR_NULL(qs_model_type_find(NULL));
}

/* A renamed copy of every built-in passes the checks a registered type
 * gets; the copy is found, builds, and goes away again. */
static void test_registry_register(void)
{
  const int n0 = qs_model_type_count();
  char msg[256] = "";
  for (int i = 0; i < 3; i++) {
    qs_model_type copy = *qs_model_type_get(i);
    char name[QS_MODEL_MAX_NAME];
    snprintf(name, sizeof name, "copy_of_%d", i);
    copy.name = name;
    CU_ASSERT_EQUAL_FATAL(qs_model_type_register(&copy, msg, sizeof msg), QS_OK);
    CU_ASSERT_EQUAL(qs_model_type_count(), n0 + 1);
    CU_ASSERT_PTR_EQUAL(qs_model_type_find(name), &copy);
    CU_ASSERT_PTR_EQUAL(qs_model_type_get(n0), &copy);
    CU_ASSERT_EQUAL(qs_model_type_register(&copy, msg, sizeof msg), QS_ERR_INVALID);
    CU_ASSERT_EQUAL(qs_model_type_unregister(&copy), QS_OK);
    CU_ASSERT_EQUAL(qs_model_type_unregister(&copy), QS_ERR_INVALID);
    CU_ASSERT_PTR_NULL(qs_model_type_find(name));
  }
  qs_model_type copy = *qs_model_type_find("qubit_osc");
  copy.name = "COPY";
  CU_ASSERT_EQUAL_FATAL(qs_model_type_register(&copy, msg, sizeof msg), QS_OK);
  qs_model *m = test_model("copy", NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL(m);
  if (m)
    CU_ASSERT_PTR_EQUAL(m->type, &copy);
  qs_model_destroy(&m);
  CU_ASSERT_EQUAL(qs_model_type_unregister(&copy), QS_OK);
  CU_ASSERT_EQUAL(qs_model_type_count(), n0);
}

/* Refused types: each message names what is wrong. */
static void expect_refused(const qs_model_type *type, const char *word)
{
  const int n0 = qs_model_type_count();
  char msg[256] = "";
  CU_ASSERT_EQUAL(qs_model_type_register(type, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, word));
  CU_ASSERT_EQUAL(qs_model_type_count(), n0);
}

static void test_registry_refuses(void)
{
  const qs_model_type *cav = qs_model_type_find("cavity_qubits");
  qs_model_type t = *cav;
  t.name = "Cavity_Qubits";
  expect_refused(&t, "already");
  expect_refused(NULL, "name");
  t.name = "a_name_longer_than_thirty_one_chars";
  expect_refused(&t, "name");
  t = *cav;
  t.name = "no_build";
  t.build = NULL;
  expect_refused(&t, "build");
  t = *cav;
  t.name = "bad_key";
  t.truncation_key = "levels";
  expect_refused(&t, "levels");
  t = *cav;
  t.name = "bad_default";
  qs_param_spec params[QS_MODEL_MAX_PARAMS];
  memcpy(params, cav->params, (size_t)cav->n_params * sizeof *params);
  params[1].default_value = params[1].max + 1.0;
  t.params = params;
  expect_refused(&t, params[1].key);
  params[1] = params[0];  /* a repeated key */
  expect_refused(&t, params[0].key);
  const qs_model_type *tr = qs_model_type_find("transmon");
  t = *tr;
  t.name = "bad_preset";
  qs_model_preset presets[8];
  memcpy(presets, tr->presets, (size_t)tr->n_presets * sizeof *presets);
  presets[0].keys[0] = "not_a_key";
  t.presets = presets;
  expect_refused(&t, "not_a_key");
}

static void test_registry_full(void)
{
  enum { N = QS_MODEL_MAX_TYPES };
  static qs_model_type types[N];
  static char names[N][QS_MODEL_MAX_NAME];
  const int room = N - qs_model_type_count();
  char msg[256] = "";
  for (int i = 0; i <= room; i++) {
    types[i] = *qs_model_type_find("qubit_osc");
    snprintf(names[i], sizeof names[i], "filler_%d", i);
    types[i].name = names[i];
    CU_ASSERT_EQUAL(qs_model_type_register(&types[i], msg, sizeof msg),
                    i < room ? QS_OK : QS_ERR_INVALID);
  }
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "full"));
  CU_ASSERT_EQUAL(qs_model_type_count(), N);
  for (int i = 0; i < room; i++)
    CU_ASSERT_EQUAL(qs_model_type_unregister(&types[i]), QS_OK);
  CU_ASSERT_EQUAL(qs_model_type_count(), N - room);
}

/* A constructor that forgets the roles: generic code could not trust them. */
static qs_status roleless_build(const double *p, qs_model *m, char *msg, size_t msglen)
{
  (void)p;
  (void)msg;
  (void)msglen;
  const qs_index dims[2] = {2, 3};
  qs_status st = qs_space_init(&m->space, 2, dims);
  m->space.role[0] = QS_ROLE_SPIN;
  return st;
}

static void test_unset_role_refused(void)
{
  qs_model_type t = {.name = "roleless", .build = roleless_build};
  qs_model *m = NULL;
  char msg[256] = "";
  const double none[1] = {0};
  CU_ASSERT_EQUAL(qs_model_create(&t, none, &m, msg, sizeof msg), QS_ERR_INVALID);
  CU_ASSERT_PTR_NULL(m);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "role of subsystem 1"));
}

/* The weak-drive series asks for a capability and then for its keys. */
static void test_weakdrive_capability(void)
{
  double v[QS_MODEL_MAX_PARAMS];
  qs_weakdrive_params wp;
  char msg[256] = "";
  const qs_model_type *cav = qs_model_type_find("cavity_qubits");
  qs_model_defaults(cav, v);
  CU_ASSERT_EQUAL(qs_weakdrive_params_from_model(cav, v, &wp, msg, sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "cavity_qubits"));
  qs_model_type t = *qs_model_type_find("qubit_osc");
  qs_model_defaults(&t, v);
  CU_ASSERT_EQUAL(qs_weakdrive_params_from_model(&t, v, &wp, msg, sizeof msg), QS_OK);
  CU_ASSERT_EQUAL(wp.w_B, v[qs_model_param_index(&t, "w_B")]);
  t.n_params = qs_model_param_index(&t, "w_B");  /* drops w_B and what follows */
  CU_ASSERT_EQUAL(qs_weakdrive_params_from_model(&t, v, &wp, msg, sizeof msg),
                  QS_ERR_INVALID);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "w_B"));
}

int qs_test_register_model(void)
{
  static const test_case cases[] = {
    {"qubit_osc H, c_ops, observables equal Eq. 4 built by hand", test_hamiltonian_eq4},
    {"dephasing channels and spin 1", test_dephasing_and_spin1},
    {"invalid parameters give messages", test_invalid_parameters},
    {"qubit_osc: two spins S, no truncation, no drive period", test_qubit_osc_roles},
    {"observables required by name, message names the missing one", test_require_obs},
    {"registry: the built-ins in order, found by name", test_registry_builtins},
    {"registry: register, find, build, unregister", test_registry_register},
    {"registry: duplicate names and inconsistent types refused", test_registry_refuses},
    {"registry: full at QS_MODEL_MAX_TYPES", test_registry_full},
    {"a constructor leaving a role unset is refused", test_unset_role_refused},
    {"weak-drive series: capability, then keys", test_weakdrive_capability},
  };
  return test_add_suite("model", cases, (int)(sizeof cases / sizeof cases[0]));
}
