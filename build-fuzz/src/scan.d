build-fuzz/src/scan.o: src/scan.c tests/fuzz/clang_compat.h \
  include/qsync/scan.h include/qsync/farm.h include/qsync/error.h \
  include/qsync/sweep.h include/qsync/model.h include/qsync/op.h \
  include/qsync/sync.h include/qsync/ensemble.h include/qsync/accum.h \
  include/qsync/traj.h include/qsync/rng.h include/qsync/lindblad.h \
  include/qsync/weakdrive.h src/message_impl.h

tests/fuzz/clang_compat.h:

include/qsync/scan.h:

include/qsync/farm.h:

include/qsync/error.h:

include/qsync/sweep.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/sync.h:

include/qsync/ensemble.h:

include/qsync/accum.h:

include/qsync/traj.h:

include/qsync/rng.h:

include/qsync/lindblad.h:

include/qsync/weakdrive.h:

src/message_impl.h:
