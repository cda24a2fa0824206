/* Forced into every file of the fuzz build (make fuzz: -include): glibc's
 * <complex.h> defines CMPLX only for GCC >= 4.7, and clang announces itself
 * as GCC 4.2; clang has the same builtin. */
#include <complex.h>
#ifndef CMPLX
#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#endif
