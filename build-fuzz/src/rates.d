build-fuzz/src/rates.o: src/rates.c tests/fuzz/clang_compat.h \
  include/qsync/rates.h include/qsync/mesolve.h include/qsync/model.h \
  include/qsync/op.h include/qsync/error.h include/qsync/transmon.h \
  src/message_impl.h

tests/fuzz/clang_compat.h:

include/qsync/rates.h:

include/qsync/mesolve.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:

include/qsync/transmon.h:

src/message_impl.h:
