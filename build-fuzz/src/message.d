build-fuzz/src/message.o: src/message.c tests/fuzz/clang_compat.h \
  src/message_impl.h

tests/fuzz/clang_compat.h:

src/message_impl.h:
