build-fuzz/src/nvector_qs.o: src/nvector_qs.c tests/fuzz/clang_compat.h \
  src/nvector_qs_impl.h

tests/fuzz/clang_compat.h:

src/nvector_qs_impl.h:
