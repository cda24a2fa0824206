build-fuzz/src/model_cavity.o: src/model_cavity.c \
  tests/fuzz/clang_compat.h src/message_impl.h src/model_impl.h \
  include/qsync/model.h include/qsync/op.h include/qsync/error.h \
  include/qsync/metrics.h

tests/fuzz/clang_compat.h:

src/message_impl.h:

src/model_impl.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:

include/qsync/metrics.h:
