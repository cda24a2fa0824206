/* The truncation rule on a synthetic set of points of the cavity model
 * (key ncav) and of the transmon (key levels_r: its resonators). */
#include <math.h>
#include <string.h>

#include "test_util.h"

/* Five cavity points with tolerance 1e-6: two are over (3e-6 at point 1,
 * 2e-6 at point 3), the worst is point 1; NaN is a point that is not
 * over; a model without a truncated mode is not a point at all. */
static void test_truncation_synthetic(void)
{
  const char *keys[] = {"ncav", NULL};
  const double ncav[] = {7};
  qs_model *cav = test_cavity(keys, ncav), *qo = test_qubit_osc(NULL, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(cav);
  CU_ASSERT_PTR_NOT_NULL_FATAL(qo);
  qs_truncation t = qs_truncation_start(1e-6);
  CU_ASSERT(!qs_truncation_exceeded(&t));
  CU_ASSERT_EQUAL(t.worst_point, -1);
  const double p_top[5] = {1e-8, 3e-6, NAN, 2e-6, 5e-7};
  for (long p = 0; p < 5; p++) {
    qs_truncation_note(&t, cav, p_top[p], p);
    qs_truncation_note(&t, qo, 1.0, 100 + p); /* no cavity: ignored */
  }
  CU_ASSERT_EQUAL(t.points, 5);
  CU_ASSERT_EQUAL(t.over, 2);
  CU_ASSERT_EQUAL(t.worst, 3e-6);
  CU_ASSERT_EQUAL(t.worst_point, 1);
  CU_ASSERT_EQUAL(t.top_level, 6);
  CU_ASSERT_STRING_EQUAL(t.levels_key, "ncav");
  CU_ASSERT(qs_truncation_exceeded(&t));
  /* the same set under a looser tolerance is converged */
  qs_truncation loose = qs_truncation_start(1e-5);
  for (long p = 0; p < 5; p++)
    qs_truncation_note(&loose, cav, p_top[p], p);
  CU_ASSERT_EQUAL(loose.over, 0);
  CU_ASSERT(!qs_truncation_exceeded(&loose));
  /* exactly at the tolerance is not over */
  qs_truncation edge = qs_truncation_start(3e-6);
  qs_truncation_note(&edge, cav, 3e-6, 0);
  CU_ASSERT(!qs_truncation_exceeded(&edge));
  qs_model_destroy(&cav);
  qs_model_destroy(&qo);
}

/* The transmon's truncated modes are its resonators: key levels_r, top
 * level levels_r - 1. */
static void test_truncation_transmon(void)
{
  const char *keys[] = {"levels_q", "levels_r", NULL};
  const double vals[] = {2, 4};
  qs_model *m = test_model("transmon", keys, vals);
  CU_ASSERT_PTR_NOT_NULL_FATAL(m);
  qs_truncation t = qs_truncation_start(1e-6);
  qs_truncation_note(&t, m, 0.5, 9);
  CU_ASSERT_EQUAL(t.top_level, 3);
  CU_ASSERT_STRING_EQUAL(t.levels_key, "levels_r");
  CU_ASSERT_EQUAL(t.worst_point, 9);
  qs_model_destroy(&m);
}

int qs_test_register_truncation(void)
{
  static const test_case cases[] = {
      {"truncation rule on a synthetic set", test_truncation_synthetic},
      {"transmon resonators are the truncated mode", test_truncation_transmon},
  };
  return test_add_suite("truncation", cases, (int)(sizeof cases / sizeof cases[0]));
}
