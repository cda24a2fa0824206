/* Density-matrix projection; see src/density_impl.h. */
#include "density_impl.h"

#include <cblas.h>
#include <math.h>

void qs_hermitize(int n, double complex *x)
{
  const size_t ln = (size_t)n;
  for (int j = 0; j < n; j++) {
    for (int i = 0; i < j; i++) {
      double complex a = 0.5 * (x[i + j * ln] + conj(x[j + i * ln]));
      x[i + j * ln] = a;
      x[j + i * ln] = conj(a);
    }
    x[j + j * ln] = creal(x[j + j * ln]);
  }
}

qs_status qs_density_normalize(int n, double complex *x)
{
  qs_hermitize(n, x);
  double tr = 0.0;
  for (int i = 0; i < n; i++)
    tr += creal(x[i + (size_t)i * (size_t)n]);
  if (!isfinite(tr) || tr == 0.0)
    return QS_ERR_NUMERIC;
  cblas_zdscal(n * n, 1.0 / tr, x, 1);
  return QS_OK;
}
