build-fuzz/src/model_qubit_osc.o: src/model_qubit_osc.c \
  tests/fuzz/clang_compat.h src/message_impl.h src/model_impl.h \
  include/qsync/model.h include/qsync/op.h include/qsync/error.h

tests/fuzz/clang_compat.h:

src/message_impl.h:

src/model_impl.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:
