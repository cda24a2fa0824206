/* qsync — CUnit tests of the PCG64 generator (src/rng.c).
 *
 * The bit-for-bit test compares against the C++ reference pcg64 of
 * pcg_random.hpp: tests/pcg_reference.cpp writes the expected values, and
 * the path of that file is passed in the environment variable
 * QS_PCG_REFERENCE.  If the variable is unset or the file is unreadable or
 * malformed, the test FAILS; it is never silently skipped.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "qsync/rng.h"

/* Registers the suite "rng" in the current CUnit registry; returns 0 on
 * success, -1 on failure.  Not thread safe (CUnit's registry is global). */
int qs_test_register_rng(void);

/* Record a CUnit failure with a formatted message (CUnit copies it). */
static void fail_msg(unsigned line, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static void fail_msg(unsigned line, const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  CU_assertImplementation(CU_FALSE, line, buf, __FILE__, "", CU_FALSE);
}

/* Parse the next whitespace-separated decimal uint64 from *p; advances *p.
 * Returns 0 on success, -1 on a missing, signed, non-numeric or
 * out-of-range token. */
static int parse_u64(char **p, uint64_t *out)
{
  char *s = *p;
  char *end;
  unsigned long long v;
  while (*s == ' ' || *s == '\t')
    ++s;
  if (*s < '0' || *s > '9')
    return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno != 0 || end == s)
    return -1;
  if (*end != '\0' && *end != ' ' && *end != '\t' && *end != '\n' &&
      *end != '\r')
    return -1;
  *out = (uint64_t)v;
  *p = end;
  return 0;
}

/* True if only whitespace remains. */
static int at_end(const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    ++p;
  return *p == '\0';
}

/* The k-th (0-based) output of a fresh generator (seed, stream) after
 * advancing by delta. */
static uint64_t nth_output(uint64_t seed, uint64_t stream, uint64_t delta,
                           uint64_t k)
{
  qs_rng r;
  uint64_t v = 0;
  uint64_t i;
  qs_rng_seed(&r, seed, stream);
  qs_rng_advance(&r, delta);
  for (i = 0; i <= k; ++i)
    v = qs_rng_next(&r);
  return v;
}

static void test_reference(void)
{
  const char *path = getenv("QS_PCG_REFERENCE");
  FILE *f;
  char line[256];
  unsigned long lineno = 0;
  unsigned long nseq = 0, nadv = 0, nbad = 0;

  if (path == NULL || path[0] == '\0') {
    CU_FAIL("QS_PCG_REFERENCE is not set: cannot run the bit-for-bit PCG64 "
            "reference test (generate it with build/pcg_reference)");
    return;
  }
  f = fopen(path, "r");
  if (f == NULL) {
    fail_msg(__LINE__, "cannot open QS_PCG_REFERENCE file '%s': %s", path,
             strerror(errno));
    return;
  }
  while (fgets(line, sizeof line, f) != NULL) {
    char *p = line + 3;
    uint64_t seed, stream, delta = 0, k, expect, got;
    int is_adv;
    ++lineno;
    if (strchr(line, '\n') == NULL && !feof(f)) {
      fail_msg(__LINE__, "%s:%lu: line too long", path, lineno);
      break;
    }
    if (at_end(line))
      continue;
    if (strncmp(line, "seq ", 4) == 0) {
      is_adv = 0;
    } else if (strncmp(line, "adv ", 4) == 0) {
      is_adv = 1;
    } else {
      fail_msg(__LINE__, "%s:%lu: unknown record", path, lineno);
      ++nbad;
      continue;
    }
    if (parse_u64(&p, &seed) != 0 || parse_u64(&p, &stream) != 0 ||
        (is_adv && parse_u64(&p, &delta) != 0) || parse_u64(&p, &k) != 0 ||
        parse_u64(&p, &expect) != 0 || !at_end(p) || k > 1000000u) {
      fail_msg(__LINE__, "%s:%lu: malformed line", path, lineno);
      ++nbad;
      continue;
    }
    got = nth_output(seed, stream, delta, k);
    if (got != expect) {
      fail_msg(__LINE__,
               "%s:%lu: seed %" PRIu64 " stream %" PRIu64 " delta %" PRIu64
               " k %" PRIu64 ": expected %" PRIu64 ", got %" PRIu64,
               path, lineno, seed, stream, delta, k, expect, got);
      ++nbad;
    } else {
      CU_PASS("reference value matches");
    }
    if (is_adv)
      ++nadv;
    else
      ++nseq;
  }
  if (ferror(f))
    fail_msg(__LINE__, "read error on '%s'", path);
  fclose(f);
  /* An empty or truncated file must not pass vacuously. */
  if (nseq == 0 || nadv == 0)
    fail_msg(__LINE__,
             "%s: no usable reference values (%lu seq, %lu adv lines)", path,
             nseq, nadv);
  CU_ASSERT_EQUAL(nbad, 0);
}

/* Known first output of pcg64(42, 54) (the PCG demo's canonical value);
 * an independent check that needs no reference file. */
static void test_known_value(void)
{
  qs_rng r;
  qs_rng_seed(&r, 42u, 54u);
  CU_ASSERT_EQUAL(qs_rng_next(&r), UINT64_C(0x86b1da1d72062b68));
}

/* The open-interval formula: ((next >> 11) + 0.5) * 2^-53 in double, with
 * the single value that rounds to 1.0 replaced by 1 - 2^-53. */
static double expected_uniform(uint64_t x)
{
  double u = ((double)(x >> 11) + 0.5) * 0x1p-53;
  return u < 1.0 ? u : 0x1.fffffffffffffp-1;
}

/* Values lie in the open (0,1) and follow the documented formula.
 * Mean: u is (to within 2^-53) uniform on (0,1), with variance 1/12, so the
 * mean of n independent draws has standard deviation
 * sigma = sqrt((1/12) / n) = 1/sqrt(12 n); for n = 1e6, sigma ~ 2.9e-4.
 * We require |mean - 0.5| < 5 sigma (false-failure probability ~ 6e-7 for
 * a good generator; with the fixed seed the test is deterministic). */
static void test_uniform(void)
{
  const long n = 1000000;
  const double sigma = 1.0 / sqrt(12.0 * (double)n);
  qs_rng r, c;
  double sum = 0.0;
  long i, out_of_range = 0, formula_mismatch = 0;

  qs_rng_seed(&r, 20240601u, 3u);
  c = r;
  for (i = 0; i < n; ++i) {
    double u = qs_rng_uniform(&r);
    if (u != expected_uniform(qs_rng_next(&c)))
      ++formula_mismatch;
    if (!(u > 0.0 && u < 1.0))
      ++out_of_range;
    sum += u;
  }
  CU_ASSERT_EQUAL(formula_mismatch, 0);
  CU_ASSERT_EQUAL(out_of_range, 0);
  {
    double mean = sum / (double)n;
    if (!(fabs(mean - 0.5) < 5.0 * sigma))
      fail_msg(__LINE__, "uniform mean %.8f deviates from 0.5 by more than "
               "5 sigma (sigma = %.3g)", mean, sigma);
    else
      CU_PASS("uniform mean within 5 sigma");
  }
}

/* Put `r` in the state just before the LCG state `next_state`, so that the
 * next output is computed from `next_state` (period 2^128, so advancing by
 * 2^128 - 1 steps back by one). */
static void set_next_state(qs_rng *r, qs_uint128 next_state)
{
  r->state = next_state;
  qs_rng_advance(r, ~(qs_uint128)0);
}

/* The extreme raw outputs 0 and 2^64 - 1 map strictly inside (0,1). */
static void test_uniform_extremes(void)
{
  qs_rng r, c;
  double u;
  qs_rng_seed(&r, 5u, 6u);

  /* State 0 -> output 0 -> u = 2^-54. */
  set_next_state(&r, 0u);
  c = r;
  CU_ASSERT_EQUAL(qs_rng_next(&c), 0u);
  u = qs_rng_uniform(&r);
  CU_ASSERT(u > 0.0);
  CU_ASSERT_EQUAL(u, 0x1p-54);
  CU_ASSERT(isfinite(log(u)));

  /* High half 0, low half all ones: rotation 0, xor gives 2^64 - 1, whose
   * top 53 bits would round to exactly 1.0 without the guard. */
  set_next_state(&r, (qs_uint128)UINT64_MAX);
  c = r;
  CU_ASSERT_EQUAL(qs_rng_next(&c), UINT64_MAX);
  u = qs_rng_uniform(&r);
  CU_ASSERT(u < 1.0);
  CU_ASSERT_EQUAL(u, 1.0 - 0x1p-53);
  CU_ASSERT(isfinite(log1p(-u)));
}

/* Same seed, different streams: different sequences (and different
 * increments).  Compare the first 8 outputs of streams 0..15 pairwise. */
static void test_streams_differ(void)
{
  enum { NS = 16, NV = 8 };
  uint64_t v[NS][NV];
  int s, t, k;
  for (s = 0; s < NS; ++s) {
    qs_rng r;
    qs_rng_seed(&r, 12345u, (uint64_t)s);
    for (k = 0; k < NV; ++k)
      v[s][k] = qs_rng_next(&r);
  }
  for (s = 0; s < NS; ++s)
    for (t = s + 1; t < NS; ++t) {
      int same = 0;
      for (k = 0; k < NV; ++k)
        same += v[s][k] == v[t][k];
      CU_ASSERT(same < NV);
      CU_ASSERT_EQUAL(same, 0); /* a coincidence has probability ~2^-58 */
    }
  /* Streams differing only in the top bit (2^63) are distinct too. */
  {
    qs_rng a, b;
    qs_rng_seed(&a, 7u, 5u);
    qs_rng_seed(&b, 7u, (UINT64_C(1) << 63) + 5u);
    CU_ASSERT(a.inc != b.inc);
    CU_ASSERT(qs_rng_next(&a) != qs_rng_next(&b));
  }
}

/* Same seed and stream: same sequence (reproducibility). */
static void test_reproducible(void)
{
  qs_rng a, b;
  int k;
  qs_rng_seed(&a, 99u, 1u);
  qs_rng_seed(&b, 99u, 1u);
  for (k = 0; k < 100; ++k)
    CU_ASSERT_EQUAL(qs_rng_next(&a), qs_rng_next(&b));
}

/* advance(n) == n calls of next, for n = 0..200. */
static void test_advance_matches_next(void)
{
  unsigned n, i;
  for (n = 0; n <= 200; ++n) {
    qs_rng a, b;
    qs_rng_seed(&a, 42u, 54u);
    b = a;
    qs_rng_advance(&a, n);
    for (i = 0; i < n; ++i)
      (void)qs_rng_next(&b);
    CU_ASSERT(a.state == b.state);
    CU_ASSERT(a.inc == b.inc);
    CU_ASSERT_EQUAL(qs_rng_next(&a), qs_rng_next(&b));
  }
}

/* advance(0) leaves the generator unchanged. */
static void test_advance_zero(void)
{
  qs_rng a, b;
  qs_rng_seed(&a, UINT64_MAX, 7u);
  (void)qs_rng_next(&a);
  b = a;
  qs_rng_advance(&a, 0u);
  CU_ASSERT(a.state == b.state);
  CU_ASSERT(a.inc == b.inc);
  CU_ASSERT_EQUAL(qs_rng_next(&a), qs_rng_next(&b));
}

/* Advancing is additive, and 2^128 - k steps back by k (period 2^128). */
static void test_advance_compose(void)
{
  qs_rng a, b, c;
  const qs_uint128 big = ((qs_uint128)0x0123456789abcdefULL << 64) | 99u;
  qs_rng_seed(&a, 1u, 2u);
  b = a;
  c = a;
  qs_rng_advance(&a, big);
  qs_rng_advance(&a, 12345u);
  qs_rng_advance(&b, big + 12345u);
  CU_ASSERT(a.state == b.state);

  qs_rng_advance(&c, 10u);
  qs_rng_advance(&c, (qs_uint128)0 - 10u);
  qs_rng_seed(&b, 1u, 2u);
  CU_ASSERT(c.state == b.state);
}

int qs_test_register_rng(void)
{
  static const struct {
    const char *name;
    CU_TestFunc fn;
  } tests[] = {
      {"bit-for-bit vs C++ pcg64 reference", test_reference},
      {"known first output of pcg64(42, 54)", test_known_value},
      {"uniform in (0,1), mean 0.5 within 5 sigma", test_uniform},
      {"uniform extremes strictly inside (0,1)", test_uniform_extremes},
      {"different streams differ", test_streams_differ},
      {"same seed and stream reproduce", test_reproducible},
      {"advance(n) equals n calls of next", test_advance_matches_next},
      {"advance(0) is identity", test_advance_zero},
      {"advance composes and wraps", test_advance_compose},
  };
  size_t i;
  CU_pSuite suite = CU_add_suite("rng", NULL, NULL);
  if (suite == NULL)
    return -1;
  for (i = 0; i < sizeof tests / sizeof tests[0]; ++i)
    if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL)
      return -1;
  return 0;
}
