# registry/store/: the LMDB layer (environment, artefact records, data cubes, change log,
# tokens, submissions), the only code that uses LMDB
noinst_LIBRARIES += libstore.a
libstore_a_SOURCES = registry/store/store.h registry/store/store_int.h registry/store/env.c \
	registry/store/artefact.c registry/store/cube.c registry/store/token.c
libstore_a_CFLAGS = $(AM_CFLAGS) $(LMDB_CFLAGS)

# registry/: the SDMX registry over the store (provision agreements, access rules, item names)
noinst_LIBRARIES += libregistry.a
libregistry_a_SOURCES = registry/reg.h registry/agreement.c registry/names.c
libregistry_a_CFLAGS = $(AM_CFLAGS)
