noinst_LIBRARIES += libregistry.a
libregistry_a_SOURCES = registry/reg.h registry/reg_int.h registry/env.c registry/artefact.c registry/cube.c registry/token.c
libregistry_a_CFLAGS = $(AM_CFLAGS) $(LMDB_CFLAGS)
