/* qsync — PCG64 (setseq_xsl_rr_128_64), see include/qsync/rng.h. */
#include "qsync/rng.h"

/* 0x2360ED051FC65DA44385DF649FCCF645, the default 128-bit PCG multiplier. */
#define QS_RNG_MULT                                                           \
  ((((qs_uint128)0x2360ED051FC65DA4ULL) << 64) | 0x4385DF649FCCF645ULL)

/* One LCG step. */
static qs_uint128 qs_rng_bump(const qs_rng *rng, qs_uint128 state)
{
  return state * QS_RNG_MULT + rng->inc;
}

/* XSL-RR output function: xor the high and low halves, rotate right by the
 * top 6 bits of the state. */
static uint64_t qs_rng_output(qs_uint128 state)
{
  unsigned rot = (unsigned)(state >> 122);
  uint64_t x = (uint64_t)(state >> 64) ^ (uint64_t)state;
  return (x >> rot) | (x << ((64u - rot) & 63u));
}

void qs_rng_seed(qs_rng *rng, uint64_t seed, uint64_t stream)
{
  rng->inc = ((qs_uint128)stream << 1) | 1u;
  rng->state = qs_rng_bump(rng, (qs_uint128)seed + rng->inc);
}

uint64_t qs_rng_next(qs_rng *rng)
{
  rng->state = qs_rng_bump(rng, rng->state);
  return qs_rng_output(rng->state);
}

double qs_rng_uniform(qs_rng *rng)
{
  /* k = next >> 11 is in [0, 2^53) and converts exactly.  k + 0.5 needs 54
   * significant bits when k >= 2^52, so it is rounded to nearest (ties to
   * even); the scaling by 2^-53 is exact.  For k = 2^53 - 1 the rounding
   * gives exactly 1.0, which would break the open-interval contract (and
   * log(1 - u)): that single case returns the largest double below 1. */
  const uint64_t k = qs_rng_next(rng) >> 11;
  const double u = ((double)k + 0.5) * 0x1p-53;
  return u < 1.0 ? u : 0x1.fffffffffffffp-1;
}

void qs_rng_advance(qs_rng *rng, qs_uint128 delta)
{
  /* Brown, "Random Number Generation with Arbitrary Stride", Trans. Am. Nucl.
   * Soc. (1994): square-and-multiply on the affine map x -> M x + c. */
  qs_uint128 cur_mult = QS_RNG_MULT;
  qs_uint128 cur_plus = rng->inc;
  qs_uint128 acc_mult = 1u;
  qs_uint128 acc_plus = 0u;
  while (delta > 0u) {
    if (delta & 1u) {
      acc_mult *= cur_mult;
      acc_plus = acc_plus * cur_mult + cur_plus;
    }
    cur_plus = (cur_mult + 1u) * cur_plus;
    cur_mult *= cur_mult;
    delta >>= 1;
  }
  rng->state = acc_mult * rng->state + acc_plus;
}
