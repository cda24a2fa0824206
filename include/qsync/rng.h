/* qsync — random numbers: PCG64 (O'Neill's setseq_xsl_rr_128_64).
 *
 * The generator is bit-for-bit identical to the C++ reference `pcg64` of
 * pcg_random.hpp (Debian's libpcg-cpp-dev):
 *   - 128-bit linear congruential state, state' = state * M + inc, with
 *     M = 0x2360ED051FC65DA44385DF649FCCF645 and inc odd;
 *   - output: XSL-RR (xor the two 64-bit halves, rotate right by the top
 *     6 bits of the state) applied to the NEW state, after the step;
 *   - seeding `pcg64 rng(seed, stream)`: inc = (stream << 1) | 1 and
 *     state = (seed + inc) * M + inc.
 *
 * Streams.  The `stream` argument selects one of 2^64 distinct sequences
 * (distinct odd increments); the same seed on different streams gives
 * unrelated sequences.  In qsync, trajectory i of a run with seed s
 * uses its own generator, seeded with qs_rng_seed(&r, s, i).  The random
 * numbers a trajectory sees therefore depend only on (s, i), never on which
 * thread or MPI rank computes it or in what order, so results are
 * reproducible for any number of threads/ranks.
 *
 * Thread safety: a qs_rng is plain caller-owned data with no hidden global
 * state.  Functions here are thread safe as long as no two threads use the
 * same qs_rng at the same time; give each thread (or trajectory) its own.
 */
#ifndef QSYNC_RNG_H
#define QSYNC_RNG_H

#include <stdint.h>

/* Unsigned 128-bit integer (GCC/Clang extension; __extension__ keeps
 * -Wpedantic quiet). */
__extension__ typedef unsigned __int128 qs_uint128;

/* PCG64 generator state.  Caller-owned (stack, struct member, array, ...);
 * initialise with qs_rng_seed before any other use.  May be copied by value:
 * the copy continues the same sequence independently. */
typedef struct {
  qs_uint128 state; /* LCG state */
  qs_uint128 inc;   /* LCG increment, always odd: (stream << 1) | 1 */
} qs_rng;

/* Seed `rng`, exactly like the C++ `pcg64 rng(seed, stream)`.
 *   rng:    generator to initialise; must not be NULL.
 *   seed:   any value in [0, 2^64 - 1].
 *   stream: any value in [0, 2^64 - 1]; selects the sequence (see above).
 * Never fails.  Thread safe for distinct `rng`. */
void qs_rng_seed(qs_rng *rng, uint64_t seed, uint64_t stream);

/* Advance `rng` by one step and return the next 64-bit output, uniformly
 * distributed over [0, 2^64 - 1].  Same value as the C++ `rng()`.
 *   rng: seeded generator; must not be NULL.
 * Thread safe for distinct `rng`. */
uint64_t qs_rng_next(qs_rng *rng);

/* Draw a double uniformly distributed in the OPEN interval (0, 1), computed
 * as ((qs_rng_next(rng) >> 11) + 0.5) * 2^-53 in double precision.  Note
 * that for (next >> 11) >= 2^52 the sum k + 0.5 is not representable and is
 * rounded to nearest (ties to even), and for (next >> 11) = 2^53 - 1 it
 * would round to exactly 1.0; that single case (probability 2^-53) returns
 * 1 - 2^-53 instead.  So the result is never 0 or 1 (smallest 2^-54,
 * largest 1 - 2^-53), and log(u) and log(1 - u) are always finite.
 * Consumes exactly one qs_rng_next output.
 *   rng: seeded generator; must not be NULL.
 * Thread safe for distinct `rng`. */
double qs_rng_uniform(qs_rng *rng);

/* Jump ahead by `delta` steps in O(log delta) time, i.e. leave `rng` in the
 * state it would have after `delta` calls of qs_rng_next.  Same as the C++
 * `rng.advance(delta)`.
 *   rng:   seeded generator; must not be NULL.
 *   delta: any value in [0, 2^128 - 1]; 0 leaves the state unchanged, and
 *          since the period is 2^128, 2^128 - k steps back by k.
 * Thread safe for distinct `rng`. */
void qs_rng_advance(qs_rng *rng, qs_uint128 delta);

#endif
