build-fuzz/src/sweep.o: src/sweep.c tests/fuzz/clang_compat.h \
  include/qsync/sweep.h include/qsync/model.h include/qsync/op.h \
  include/qsync/error.h src/message_impl.h

tests/fuzz/clang_compat.h:

include/qsync/sweep.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:

src/message_impl.h:
