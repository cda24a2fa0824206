build-fuzz/src/error.o: src/error.c tests/fuzz/clang_compat.h \
  include/qsync/error.h

tests/fuzz/clang_compat.h:

include/qsync/error.h:
