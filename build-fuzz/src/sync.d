build-fuzz/src/sync.o: src/sync.c tests/fuzz/clang_compat.h \
  include/qsync/sync.h include/qsync/ensemble.h include/qsync/accum.h \
  include/qsync/error.h include/qsync/op.h include/qsync/traj.h \
  include/qsync/model.h include/qsync/rng.h include/qsync/farm.h \
  include/qsync/lindblad.h include/qsync/metrics.h src/message_impl.h

tests/fuzz/clang_compat.h:

include/qsync/sync.h:

include/qsync/ensemble.h:

include/qsync/accum.h:

include/qsync/error.h:

include/qsync/op.h:

include/qsync/traj.h:

include/qsync/model.h:

include/qsync/rng.h:

include/qsync/farm.h:

include/qsync/lindblad.h:

include/qsync/metrics.h:

src/message_impl.h:
