build-fuzz/src/truncation.o: src/truncation.c tests/fuzz/clang_compat.h \
  include/qsync/truncation.h include/qsync/model.h include/qsync/op.h \
  include/qsync/error.h

tests/fuzz/clang_compat.h:

include/qsync/truncation.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:
