build-fuzz/src/ensemble.o: src/ensemble.c tests/fuzz/clang_compat.h \
  include/qsync/ensemble.h include/qsync/accum.h include/qsync/error.h \
  include/qsync/op.h include/qsync/traj.h include/qsync/model.h \
  include/qsync/rng.h include/qsync/farm.h src/accum_impl.h \
  src/message_impl.h

tests/fuzz/clang_compat.h:

include/qsync/ensemble.h:

include/qsync/accum.h:

include/qsync/error.h:

include/qsync/op.h:

include/qsync/traj.h:

include/qsync/model.h:

include/qsync/rng.h:

include/qsync/farm.h:

src/accum_impl.h:

src/message_impl.h:
