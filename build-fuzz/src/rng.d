build-fuzz/src/rng.o: src/rng.c tests/fuzz/clang_compat.h \
  include/qsync/rng.h

tests/fuzz/clang_compat.h:

include/qsync/rng.h:
