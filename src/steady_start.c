/* First iterates of the iterative steady-state solvers; see
 * src/steady_start_impl.h and include/qsync/lindblad.h. */
#include "steady_start_impl.h"
#include "message_impl.h"
#include "qsync/rateeq.h"
#include "qsync/semiclassical.h"
#include "qsync/validity.h"

#include <math.h>
#include <stdlib.h>

static qs_status semiclassical_start(const qs_model *model, double complex *rho, char *msg,
                                     size_t msglen)
{
  qs_semiclassical_problem problem;
  qs_semiclassical_result res = {0};
  char why[256] = "";
  qs_status st = qs_semiclassical_problem_from_parameters(model, &problem, why, sizeof why);
  if (st == QS_OK)
    st = qs_semiclassical_minimize(&problem, NULL, &res, why, sizeof why);
  if (st == QS_OK)
    st = qs_validity_product_state(model, res.minima[0].point.alpha,
                                   (const double(*)[3])res.minima[0].point.bloch, rho, NULL,
                                   why, sizeof why);
  if (st != QS_OK)
    qs_set_message(msg, msglen, "steady state: start = semiclassical: %s%s%s", qs_strerror(st),
                   why[0] ? ": " : "", why);
  qs_semiclassical_result_free(&res);
  return st;
}

/* (R)*: converged or not, its best partial sum is a start. */
static qs_status rate_series_start(const qs_model *model, double tol, double complex *rho,
                                   char *msg, size_t msglen)
{
  qs_rateeq_options ro = qs_rateeq_default_options();
  ro.tol = tol;
  qs_rateeq_result r;
  char why[256] = "";
  qs_status st = qs_rate_series(model, 1, &ro, rho, &r, why, sizeof why);
  if (st != QS_OK)
    qs_set_message(msg, msglen, "steady state: start = rate_series_star: %s%s%s",
                   qs_strerror(st), why[0] ? ": " : "", why);
  return st;
}

qs_status qs_steady_start_state(const qs_model *model, qs_steady_start start, double tol,
                                double complex **rho, char *msg, size_t msglen)
{
  const size_t n = (size_t)model->space.total;
  *rho = malloc(n * n * sizeof **rho);
  if (!*rho)
    return QS_ERR_NOMEM;
  qs_status st = QS_ERR_INVALID;
  if (start == QS_STEADY_START_SEMICLASSICAL)
    st = semiclassical_start(model, *rho, msg, msglen);
  else if (start == QS_STEADY_START_RATE_SERIES_STAR)
    st = rate_series_start(model, tol, *rho, msg, msglen);
  if (st != QS_OK) {
    free(*rho);
    *rho = NULL;
  }
  return st;
}
