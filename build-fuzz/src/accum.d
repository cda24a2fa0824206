build-fuzz/src/accum.o: src/accum.c tests/fuzz/clang_compat.h \
  src/accum_impl.h include/qsync/ensemble.h include/qsync/accum.h \
  include/qsync/error.h include/qsync/op.h include/qsync/traj.h \
  include/qsync/model.h include/qsync/rng.h include/qsync/farm.h

tests/fuzz/clang_compat.h:

src/accum_impl.h:

include/qsync/ensemble.h:

include/qsync/accum.h:

include/qsync/error.h:

include/qsync/op.h:

include/qsync/traj.h:

include/qsync/model.h:

include/qsync/rng.h:

include/qsync/farm.h:
