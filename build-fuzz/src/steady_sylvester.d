build-fuzz/src/steady_sylvester.o: src/steady_sylvester.c \
  tests/fuzz/clang_compat.h src/steady_sylvester_impl.h \
  include/qsync/lindblad.h include/qsync/model.h include/qsync/op.h \
  include/qsync/error.h src/density_impl.h src/message_impl.h \
  include/qsync/gmres.h

tests/fuzz/clang_compat.h:

src/steady_sylvester_impl.h:

include/qsync/lindblad.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:

src/density_impl.h:

src/message_impl.h:

include/qsync/gmres.h:
