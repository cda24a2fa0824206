build-fuzz/src/model.o: src/model.c tests/fuzz/clang_compat.h \
  include/qsync/model.h include/qsync/op.h include/qsync/error.h \
  src/message_impl.h src/model_impl.h

tests/fuzz/clang_compat.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:

src/message_impl.h:

src/model_impl.h:
