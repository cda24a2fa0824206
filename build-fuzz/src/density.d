build-fuzz/src/density.o: src/density.c tests/fuzz/clang_compat.h \
  src/density_impl.h include/qsync/error.h

tests/fuzz/clang_compat.h:

src/density_impl.h:

include/qsync/error.h:
