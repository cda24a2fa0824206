/* qsync — the truncation check of a bosonic mode over the points of a run.
 *
 * A model with a truncated mode (qs_model_truncation) reports the
 * population p_top of the mode's highest kept level (observable P_top).
 * The truncation is converged when p_top stays at or below a tolerance
 * ([checks] truncation_tol) at every point; otherwise the run should be
 * repeated with more levels.  The library computes which points exceed
 * the tolerance and which one is worst; the caller words the report.
 *
 * Usage: t = qs_truncation_start(tol); qs_truncation_note() per point;
 * then qs_truncation_exceeded(&t) and the fields below.
 *
 * Thread safety: plain data; note the points from one thread.
 */
#ifndef QSYNC_TRUNCATION_H
#define QSYNC_TRUNCATION_H

#include "qsync/model.h"

typedef struct {
  double tol;             /* population above which a point is over, >= 0 */
  long points;            /* points noted (models with a truncated mode) */
  long over;              /* of which p_top > tol */
  double worst;           /* largest p_top noted (0 before any) */
  long worst_point;       /* the caller's index of that point, -1 before any */
  long long top_level;    /* its mode's highest level n (levels - 1) */
  const char *levels_key; /* the [model] key that sets those levels */
} qs_truncation;

/* An empty check with tolerance tol. */
qs_truncation qs_truncation_start(double tol);

/* Note point `point` of model `model` with top-level population p_top.
 * Models without a truncated mode are ignored; a NaN p_top counts as a
 * point that is not over. */
void qs_truncation_note(qs_truncation *t, const qs_model *model, double p_top, long point);

/* Does some noted point exceed the tolerance? */
int qs_truncation_exceeded(const qs_truncation *t);

#endif
