// qsync — reference values of the C++ pcg64 (pcg_random.hpp), used by
// tests/test_rng.c to check src/rng.c bit for bit.
//
// Build and run:
//   g++ -std=c++17 -O1 tests/pcg_reference.cpp -o build/pcg_reference
//   build/pcg_reference > build/pcg_reference.txt
//
// Output, one value per line, all numbers decimal uint64:
//   seq SEED STREAM K VALUE         K-th output (K = 0..7) of pcg64(SEED, STREAM)
//   adv SEED STREAM DELTA K VALUE   K-th output (K = 0..3) of pcg64(SEED, STREAM)
//                                   after rng.advance(DELTA)
#include <cstdint>
#include <cstdio>
#include <pcg_random.hpp>

namespace {

struct Pair {
  std::uint64_t seed;
  std::uint64_t stream;
};

const Pair pairs[] = {
    {0u, 0u},
    {42u, 54u},
    {UINT64_MAX, 7u},
    {12345u, (UINT64_C(1) << 63) + 5u},
    {1u, 1u},
    {UINT64_C(0xcafef00dd15ea5e5), UINT64_MAX},
    {UINT64_MAX, UINT64_MAX},
    {UINT64_C(0x0123456789abcdef), UINT64_C(0xfedcba9876543210)},
};

const std::uint64_t deltas[] = {
    0u, 1u, 2u, 1000u, (UINT64_C(1) << 40) + 17u, UINT64_MAX,
};

}  // namespace

int main()
{
  for (const Pair &p : pairs) {
    pcg64 rng(p.seed, p.stream);
    for (int k = 0; k < 8; ++k) {
      unsigned long long v = rng();
      std::printf("seq %llu %llu %d %llu\n", (unsigned long long)p.seed,
                  (unsigned long long)p.stream, k, v);
    }
  }
  for (const Pair &p : pairs) {
    for (std::uint64_t d : deltas) {
      pcg64 rng(p.seed, p.stream);
      rng.advance(d);
      for (int k = 0; k < 4; ++k) {
        unsigned long long v = rng();
        std::printf("adv %llu %llu %llu %d %llu\n",
                    (unsigned long long)p.seed, (unsigned long long)p.stream,
                    (unsigned long long)d, k, v);
      }
    }
  }
  return 0;
}
