build-fuzz/src/model_transmon.o: src/model_transmon.c \
  tests/fuzz/clang_compat.h src/message_impl.h src/model_impl.h \
  include/qsync/model.h include/qsync/op.h include/qsync/error.h \
  include/qsync/transmon.h

tests/fuzz/clang_compat.h:

src/message_impl.h:

src/model_impl.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:

include/qsync/transmon.h:
