build-fuzz/src/op.o: src/op.c tests/fuzz/clang_compat.h \
  include/qsync/op.h include/qsync/error.h

tests/fuzz/clang_compat.h:

include/qsync/op.h:

include/qsync/error.h:
