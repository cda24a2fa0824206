build-fuzz/src/metrics.o: src/metrics.c tests/fuzz/clang_compat.h \
  include/qsync/metrics.h include/qsync/op.h include/qsync/error.h

tests/fuzz/clang_compat.h:

include/qsync/metrics.h:

include/qsync/op.h:

include/qsync/error.h:
