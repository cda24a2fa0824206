/* The truncation check; see include/qsync/truncation.h. */
#include "qsync/truncation.h"

qs_truncation qs_truncation_start(double tol)
{
  return (qs_truncation){.tol = tol, .worst_point = -1, .levels_key = "ncav"};
}

void qs_truncation_note(qs_truncation *t, const qs_model *model, double p_top, long point)
{
  const char *key = NULL;
  qs_index top = qs_model_truncation(model, NULL, &key);
  if (top < 0)
    return;
  t->points++;
  t->over += p_top > t->tol;
  if (!(p_top > t->worst))
    return;
  t->worst = p_top;
  t->worst_point = point;
  t->top_level = (long long)top;
  t->levels_key = key;
}

int qs_truncation_exceeded(const qs_truncation *t)
{
  return t->worst > t->tol;
}
