bin_PROGRAMS += sdmxd
sdmxd_SOURCES = server/srv.h server/srv_int.h server/auth.c server/conn.c server/http.c \
	server/load.c server/main.c server/resolve.c server/jobs/writer.c server/negotiate.c \
	server/status.c server/upgrade.c server/target.h server/target.c
sdmxd_CFLAGS = $(AM_CFLAGS) $(H2O_CFLAGS)
sdmxd_LDADD = $(SDMX_LIBS) libregistry.a libstore.a libdsd.a libcore.a $(H2O_LIBS) $(LMDB_LIBS) $(XSLT_LIBS) \
	$(XML_LIBS) $(YAJL_LIBS) $(ICU_LIBS) $(ZLIB_LIBS) -lssl -lcrypto
