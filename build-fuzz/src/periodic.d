build-fuzz/src/periodic.o: src/periodic.c tests/fuzz/clang_compat.h \
  include/qsync/periodic.h include/qsync/mesolve.h include/qsync/model.h \
  include/qsync/op.h include/qsync/error.h src/density_impl.h \
  src/message_impl.h include/qsync/gmres.h

tests/fuzz/clang_compat.h:

include/qsync/periodic.h:

include/qsync/mesolve.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:

src/density_impl.h:

src/message_impl.h:

include/qsync/gmres.h:
