build-fuzz/src/weakdrive.o: src/weakdrive.c tests/fuzz/clang_compat.h \
  include/qsync/weakdrive.h include/qsync/error.h include/qsync/model.h \
  include/qsync/op.h src/message_impl.h

tests/fuzz/clang_compat.h:

include/qsync/weakdrive.h:

include/qsync/error.h:

include/qsync/model.h:

include/qsync/op.h:

src/message_impl.h:
