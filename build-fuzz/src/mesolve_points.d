build-fuzz/src/mesolve_points.o: src/mesolve_points.c \
  tests/fuzz/clang_compat.h include/qsync/mesolve_points.h \
  include/qsync/farm.h include/qsync/error.h include/qsync/lindblad.h \
  include/qsync/model.h include/qsync/op.h include/qsync/mesolve.h \
  include/qsync/periodic.h src/message_impl.h

tests/fuzz/clang_compat.h:

include/qsync/mesolve_points.h:

include/qsync/farm.h:

include/qsync/error.h:

include/qsync/lindblad.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/mesolve.h:

include/qsync/periodic.h:

src/message_impl.h:
