/* Density-matrix metrics; see include/qsync/metrics.h. */
#include "qsync/metrics.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>

qs_status qs_hermitian_eigenvalues(qs_index dim, const double complex *a,
                                   double *eigenvalues)
{
  if (dim < 1 || dim > 46340 || !a || !eigenvalues)
    return QS_ERR_INVALID;
  double complex *h = malloc((size_t)(dim * dim) * sizeof *h);
  if (!h)
    return QS_ERR_NOMEM;
  for (qs_index j = 0; j < dim; j++)
    for (qs_index i = 0; i < dim; i++)
      h[i + j * dim] = 0.5 * (a[i + j * dim] + conj(a[j + i * dim]));
  lapack_int info = LAPACKE_zheev(LAPACK_COL_MAJOR, 'N', 'U', (lapack_int)dim, h,
                                  (lapack_int)dim, eigenvalues);
  free(h);
  return info == 0 ? QS_OK : QS_ERR_LAPACK;
}

qs_status qs_trace_distance(qs_index dim, const double complex *a,
                            const double complex *b, double *distance)
{
  if (dim < 1 || !a || !b || !distance)
    return QS_ERR_INVALID;
  double complex *d = malloc((size_t)(dim * dim) * sizeof *d);
  double *ev = malloc((size_t)dim * sizeof *ev);
  qs_status st = QS_ERR_NOMEM;
  if (d && ev) {
    for (qs_index i = 0; i < dim * dim; i++)
      d[i] = a[i] - b[i];
    st = qs_hermitian_eigenvalues(dim, d, ev);
    if (st == QS_OK) {
      double sum = 0.0;
      for (qs_index i = 0; i < dim; i++)
        sum += fabs(ev[i]);
      *distance = 0.5 * sum;
    }
  }
  free(d);
  free(ev);
  return st;
}

double qs_hermiticity_error(qs_index dim, const double complex *a)
{
  double worst = 0.0;
  for (qs_index j = 0; j < dim; j++)
    for (qs_index i = 0; i < dim; i++)
      worst = fmax(worst, cabs(a[i + j * dim] - conj(a[j + i * dim])));
  return worst;
}

double complex qs_trace(qs_index dim, const double complex *a)
{
  double complex s = 0.0;
  for (qs_index i = 0; i < dim; i++)
    s += a[i + i * dim];
  return s;
}
