/* Warm-started steady states along a sweep; see include/qsync/steady_chain.h. */
#include "qsync/steady_chain.h"

#include <stdlib.h>

struct qs_steady_chain {
  qs_steady_options opt;
  double complex *rho; /* last successful state, dim*dim; NULL before any */
  qs_index dim;        /* its dimension; 0: no state to start from */
};

qs_status qs_steady_chain_create(const qs_steady_options *opt, qs_steady_chain **out)
{
  *out = calloc(1, sizeof **out);
  if (!*out)
    return QS_ERR_NOMEM;
  (*out)->opt = opt ? *opt : qs_steady_default_options();
  (*out)->opt.guess = NULL;
  return QS_OK;
}

qs_status qs_steady_chain_solve(qs_steady_chain *chain, const qs_model *model,
                                const double complex **rho, qs_steady_info *info, int *warm,
                                char *msg, size_t msglen)
{
  if (!chain || !model)
    return QS_ERR_INVALID;
  qs_index n = model->space.total;
  int from_previous = chain->rho && chain->dim == n && n > 0;
  if (!from_previous) {
    free(chain->rho);
    chain->rho = malloc((size_t)(n * n) * sizeof *chain->rho);
    chain->dim = 0;
    if (!chain->rho)
      return QS_ERR_NOMEM;
  }
  if (warm)
    *warm = from_previous;
  qs_steady_options opt = chain->opt;
  opt.guess = from_previous ? chain->rho : NULL;
  qs_status st = qs_steady_state_ex(model, &opt, chain->rho, info, msg, msglen);
  chain->dim = st == QS_OK ? n : 0;
  if (rho)
    *rho = chain->rho;
  return st;
}

void qs_steady_chain_destroy(qs_steady_chain **chain)
{
  if (!chain || !*chain)
    return;
  free((*chain)->rho);
  free(*chain);
  *chain = NULL;
}
