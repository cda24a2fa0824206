build-fuzz/src/qubit_map.o: src/qubit_map.c tests/fuzz/clang_compat.h \
  include/qsync/qubit_map.h include/qsync/model.h include/qsync/op.h \
  include/qsync/error.h include/qsync/rates.h include/qsync/mesolve.h \
  include/qsync/sync.h include/qsync/ensemble.h include/qsync/accum.h \
  include/qsync/traj.h include/qsync/rng.h include/qsync/farm.h \
  include/qsync/lindblad.h include/qsync/metrics.h \
  include/qsync/transmon.h src/message_impl.h

tests/fuzz/clang_compat.h:

include/qsync/qubit_map.h:

include/qsync/model.h:

include/qsync/op.h:

include/qsync/error.h:

include/qsync/rates.h:

include/qsync/mesolve.h:

include/qsync/sync.h:

include/qsync/ensemble.h:

include/qsync/accum.h:

include/qsync/traj.h:

include/qsync/rng.h:

include/qsync/farm.h:

include/qsync/lindblad.h:

include/qsync/metrics.h:

include/qsync/transmon.h:

src/message_impl.h:
