/* The transmon -> qubit_osc mapping; see include/qsync/qubit_map.h. */
#include "qsync/qubit_map.h"
#include "qsync/metrics.h"
#include "qsync/transmon.h"
#include "message_impl.h"

#include <math.h>
#include <string.h>

#define TWO_PI (2.0 * 3.14159265358979323846)

const int qs_qubit_map_charge[4] = {2, 1, 1, 0};

void qs_qubit_map_rates(const qs_transmon_rate_result *fit, double rates[4])
{
  for (int j = 0; j < 2; j++) {
    rates[2 * j] = fmax(0.0, fit->fit[j].w); /* a fitted -1e-12 is a zero rate */
    rates[2 * j + 1] = fmax(0.0, fit->fit[j].gamma);
  }
}

qs_status qs_qubit_map_values(const qs_model_type *transmon, const double *tv,
                              const double rates[4], double g_khz, double eps_khz,
                              double *qubit_values, char *msg, size_t msglen)
{
  const qs_model_type *qt = qs_model_type_find("qubit_osc");
  if (!transmon || !qs_model_type_has(transmon, QS_MODEL_CAP_TRANSMON_PAIR) || !qt) {
    qs_set_message(msg, msglen, "the qubit mapping needs model transmon");
    return QS_ERR_INVALID;
  }
#define TV(key) tv[qs_model_param_index(transmon, key)]
  if (TV("gamma_phi_A") != TV("gamma_phi_B")) {
    qs_set_message(msg, msglen, "gamma_phi_A = %g, gamma_phi_B = %g: the qubit model has one "
                   "dephasing rate; set them equal", TV("gamma_phi_A"), TV("gamma_phi_B"));
    return QS_ERR_INVALID;
  }
  qs_model_defaults(qt, qubit_values);
  const char *keys[] = {"spin", "w_A", "gamma_A", "w_B", "gamma_B", "g", "eps", "delta_d",
                        "delta_q", "gamma_phi"};
  const double vals[] = {0.5, rates[0], rates[1], rates[2], rates[3],
                         2.0 * TWO_PI * g_khz / 1000.0,
                         2.0 * TWO_PI * eps_khz / 1000.0,
                         -TWO_PI * TV("detuning_d") / 1000.0,
                         TWO_PI * (TV("f_qB") - TV("f_qA")),
                         0.5 * TWO_PI * TV("gamma_phi_A") / 1000.0};
#undef TV
  for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++)
    qubit_values[qs_model_param_index(qt, keys[k])] = vals[k];
  return QS_OK;
}

qs_status qs_qubit_map_steady(const double *qubit_values, qs_steady_point *pt,
                              double complex *rho2, double complex sp[2], char *msg,
                              size_t msglen)
{
  const qs_model_type *qt = qs_model_type_find("qubit_osc");
  qs_model *m = NULL;
  int ia = -1, ib = -1;
  qs_status st = qt ? qs_model_create(qt, qubit_values, &m, msg, msglen) : QS_ERR_INVALID;
  if (st == QS_OK)
    st = qs_model_require_obs(m, "Sp_A", &ia, msg, msglen);
  if (st == QS_OK)
    st = qs_model_require_obs(m, "Sp_B", &ib, msg, msglen);
  qs_model_destroy(&m);
  if (st == QS_OK)
    st = qs_steady_point_eval(qt, qubit_values, QS_STEADY_DENSE, pt, rho2, msg, msglen);
  if (st == QS_OK) {
    sp[0] = pt->obs[ia];
    sp[1] = pt->obs[ib];
  }
  return st;
}

void qs_qubit_map_coherences(const double complex rho2[16], double complex sp[2])
{
  sp[0] = sp[1] = 0.0;
  for (int o = 0; o < 2; o++) {
    sp[0] += rho2[(2 + o) + 4 * o];           /* <g o| rho |e o> */
    sp[1] += rho2[(2 * o + 1) + 4 * (2 * o)]; /* <o g| rho |o e> */
  }
}

double qs_qubit_map_u1_symmetrize(double complex rho2[16])
{
  double dropped = 0.0;
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 4; c++)
      if (qs_qubit_map_charge[r] != qs_qubit_map_charge[c]) {
        dropped = fmax(dropped, cabs(rho2[r + 4 * c]));
        rho2[r + 4 * c] = 0.0;
      }
  return dropped;
}

qs_status qs_qubit_map_project(const qs_model *model, const double complex *rho,
                               const qs_model *model_u, const double complex *rho_u,
                               qs_qubit_map_projection *out)
{
  double complex rho2[16], rho2u[16];
  double p_u = 0.0;
  out->omega = NAN;
  out->p_qubit = 0.0;
  out->dropped = 0.0;
  qs_status st = qs_transmon_qubit_state(model, rho, rho2, &out->p_qubit);
  if (st == QS_OK)
    st = qs_transmon_qubit_state(model_u, rho_u, rho2u, &p_u);
  if (st == QS_OK)
    out->dropped = qs_qubit_map_u1_symmetrize(rho2u);
  if (st == QS_OK)
    st = qs_sync_measure(4, qs_qubit_map_charge, rho2, rho2u, &out->omega);
  if (st == QS_OK)
    qs_qubit_map_coherences(rho2, out->sp);
  return st;
}

qs_status qs_qubit_map_embed(const qs_model *model, const double complex *rho_base,
                             const double complex rho2[16], const double complex rho2_ref[16],
                             double complex *rho)
{
  if (!model || !rho_base || !rho || qs_transmon_index(model, 1, 0, 1, 0) < 0)
    return QS_ERR_INVALID;
  size_t n = (size_t)model->space.total;
  memcpy(rho, rho_base, n * n * sizeof *rho);
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 4; c++) {
      /* qubit_osc index iA * 2 + iB with 0 = |e>: transmon level nb = 1 - i */
      qs_index i = qs_transmon_index(model, 1 - r / 2, 0, 1 - r % 2, 0);
      qs_index j = qs_transmon_index(model, 1 - c / 2, 0, 1 - c % 2, 0);
      rho[(size_t)i + (size_t)j * n] += rho2[r + 4 * c] - rho2_ref[r + 4 * c];
    }
  return QS_OK;
}
