build-fuzz/src/farm.o: src/farm.c tests/fuzz/clang_compat.h \
  include/qsync/farm.h include/qsync/error.h

tests/fuzz/clang_compat.h:

include/qsync/farm.h:

include/qsync/error.h:
