noinst_LIBRARIES += libcore.a
libcore_a_SOURCES = core/core.h core/arena.c core/buf.c core/err.c core/log.c core/str.c core/time.c
