build-fuzz/src/lindblad.o: src/lindblad.c tests/fuzz/clang_compat.h \
  include/qsync/lindblad.h include/qsync/model.h include/qsync/op.h \
  include/qsync/error.h src/message_impl.h src/steady_sylvester_impl.h

tests/fuzz/clang_compat.h:

include/qsync/lindblad.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:

src/message_impl.h:

src/steady_sylvester_impl.h:
