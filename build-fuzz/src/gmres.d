build-fuzz/src/gmres.o: src/gmres.c tests/fuzz/clang_compat.h \
  include/qsync/gmres.h include/qsync/error.h include/qsync/op.h

tests/fuzz/clang_compat.h:

include/qsync/gmres.h:

include/qsync/error.h:

include/qsync/op.h:
