build-fuzz/src/mesolve.o: src/mesolve.c tests/fuzz/clang_compat.h \
  include/qsync/mesolve.h include/qsync/model.h include/qsync/op.h \
  include/qsync/error.h src/message_impl.h src/nvector_qs_impl.h

tests/fuzz/clang_compat.h:

include/qsync/mesolve.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:

src/message_impl.h:

src/nvector_qs_impl.h:
