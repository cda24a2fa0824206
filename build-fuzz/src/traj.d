build-fuzz/src/traj.o: src/traj.c tests/fuzz/clang_compat.h \
  include/qsync/traj.h include/qsync/model.h include/qsync/op.h \
  include/qsync/error.h include/qsync/rng.h src/nvector_qs_impl.h

tests/fuzz/clang_compat.h:

include/qsync/traj.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:

include/qsync/rng.h:

src/nvector_qs_impl.h:
